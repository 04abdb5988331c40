namespace Jano.Runtime;

/// <summary>How the runtime executes: provider, threads, and text limits.</summary>
public sealed record RuntimeOptions
{
    /// <summary>"cpu" today; "cuda" and "auto" arrive with the CUDA path.</summary>
    public string Provider { get; init; } = "cpu";

    /// <summary>Threads per ONNX Runtime session and for the kernels; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Self-attention backend: "kernel" (Jano.Kernels, the CPU default: measured faster than ONNX
    /// Runtime's MultiHeadAttention on this model's shapes, see docs) or "ort" (the package's
    /// attention.onnx, ONNX Runtime's MultiHeadAttention contrib op).
    /// </summary>
    public string Attention { get; init; } = "kernel";

    /// <summary>Reject prompts longer than the text encoder's limit unless this is set.</summary>
    public bool TruncatePrompts { get; init; }
}
