using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Conditioning;

/// <summary>How <see cref="T5TextEncoder"/> frames prompts and creates its session.</summary>
public sealed record T5TextEncoderOptions
{
    /// <summary>Cut prompts longer than maxTokens (keeping &lt;/s&gt;), as diffusers' T5 pipelines do; false throws <see cref="Text.PromptTooLongException"/>.</summary>
    public bool Truncate { get; init; } = true;

    /// <summary>
    /// Pad every prompt to maxTokens and encode the padded sequence, as diffusers' PixArt pipelines do
    /// (the padded rows come back with a false mask); false encodes only the real tokens (faster; the real
    /// rows equal the padded run's to float rounding, since padding keys are masked out).
    /// </summary>
    public bool PadToMaxTokens { get; init; } = true;

    /// <summary>
    /// Run the padded sequence with every position attended and report every row as real, as diffusers'
    /// SD3 pipeline calls text_encoder_3 (no attention mask; the padding rows condition the transformer).
    /// </summary>
    public bool AttendToPadding { get; init; }

    /// <summary>Threads ONNX Runtime uses inside one operator; null leaves its default.</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>Called on the session options before the session is created, e.g. to add an execution provider.</summary>
    public Action<SessionOptions>? ConfigureSession { get; init; }
}
