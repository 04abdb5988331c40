namespace Jano.Runtime.Conditioning;

/// <summary>
/// A prompt encoder of any kind (MiniLM built in, T5 from a package; CLIP next): text in, per-token
/// states, which of them are real tokens, and a pooled vector where the encoder has one. Instances
/// cache per prompt and are thread-safe.
/// </summary>
public interface ITextEncoder : IDisposable
{
    /// <summary>The manifest's textEncoders kind ("minilm", "t5").</summary>
    string Kind { get; }

    /// <summary>Width D of one token's state.</summary>
    int HiddenSize { get; }

    /// <summary>Most tokens of one prompt, special tokens included; padding encoders always return this many.</summary>
    int MaxTokens { get; }

    /// <summary>The states of <paramref name="prompt"/>; the empty prompt is the unconditional caption.</summary>
    /// <exception cref="Text.PromptTooLongException">More than <see cref="MaxTokens"/> tokens and truncation is off.</exception>
    TextConditioning Encode(string prompt);
}
