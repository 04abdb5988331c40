namespace Jano.Runtime.Pipeline;

/// <summary>Where a generation is: the stages a run passes through, in order.</summary>
public enum GenerationStage
{
    /// <summary>The prompt and the negative prompt through the text encoder.</summary>
    Encoding,

    /// <summary>The denoising steps; a report per step says which one finished.</summary>
    Denoising,

    /// <summary>The latents through the package's decoder.</summary>
    Decoding,

    /// <summary>The image is ready.</summary>
    Completed,
}
