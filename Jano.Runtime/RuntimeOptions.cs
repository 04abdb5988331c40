namespace Jano.Runtime;

/// <summary>How the runtime executes: provider, threads, and text limits.</summary>
public sealed record RuntimeOptions
{
    /// <summary>
    /// "cpu", "cuda" (fails with the reason when ONNX Runtime's CUDA provider cannot load) or "auto"
    /// (CUDA when it loads, else CPU with the reason kept). The CUDA provider runs the graphs; the
    /// step loop's buffers stay in host memory until the device-resident path lands.
    /// </summary>
    public string Provider { get; init; } = "cpu";

    /// <summary>Threads per ONNX Runtime session and for the kernels; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Self-attention backend: "ort" (the package's attention.onnx, ONNX Runtime's MultiHeadAttention
    /// contrib op) or "kernel" (Jano.Kernels' CPU attention). "ort" is the CPU default because it
    /// measured faster on the default model's shapes (4 heads × 32, 256 tokens, 1 thread: 0.57 ms
    /// against 1.07 ms per call; `Jano.Bench step`).
    /// </summary>
    public string Attention { get; init; } = "ort";

    /// <summary>Reject prompts longer than the text encoder's limit unless this is set.</summary>
    public bool TruncatePrompts { get; init; }
}
