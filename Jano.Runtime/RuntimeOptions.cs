namespace Jano.Runtime;

/// <summary>How the runtime executes: provider, threads, and text limits.</summary>
public sealed record RuntimeOptions
{
    /// <summary>
    /// "cpu", "cuda" (fails with the reason when ONNX Runtime's CUDA provider cannot load) or "auto"
    /// (CUDA when it loads, else CPU with the reason kept). With CUDA the step loop's buffers live in
    /// GPU memory (see <see cref="Buffers"/>).
    /// </summary>
    public string Provider { get; init; } = "cpu";

    /// <summary>
    /// Where the step loop's buffers live when the provider is CUDA: "auto" (GPU memory when our CUDA
    /// step device starts, else host memory with the reason kept; the default), "device" (GPU memory or
    /// fail with the reason) or "host" (pinned host memory: every graph run copies its inputs and outputs
    /// over PCIe; for comparison). The CPU provider always uses host memory.
    /// </summary>
    public string Buffers { get; init; } = "auto";

    /// <summary>Threads per ONNX Runtime session and for the kernels; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Self-attention backend: "ort" (the package's attention.onnx, ONNX Runtime's MultiHeadAttention
    /// contrib op) or "kernel" (Jano.Kernels' attention: the CPU kernel, or on a GPU with device buffers
    /// ILGPU's PTX launched on ONNX Runtime's stream). "ort" is the CPU default because it
    /// measured faster on the default model's shapes (4 heads × 32, 256 tokens, 1 thread: 0.57 ms
    /// against 1.07 ms per call; `Jano.Bench step`).
    /// </summary>
    public string Attention { get; init; } = "ort";

    /// <summary>Reject prompts longer than the text encoder's limit unless this is set.</summary>
    public bool TruncatePrompts { get; init; }
}
