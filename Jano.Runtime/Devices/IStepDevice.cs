using Jano.Kernels;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Devices;

/// <summary>
/// Where the step loop's persistent buffers live and what moves data between them: the host (ONNX
/// Runtime's CPU provider) or a GPU (its CUDA provider, with our kernels in the same context and on the
/// same stream). The denoising engine does every buffer operation through this, so one code path
/// serves both. Work may be asynchronous: <see cref="Download"/> and <see cref="Synchronize"/> wait.
/// Offsets and counts are in elements.
/// </summary>
public interface IStepDevice : IDisposable
{
    /// <summary>What it is, for reports: "host memory" or the GPU's name.</summary>
    string Description { get; }

    /// <summary>The CUDA stream ONNX Runtime must run on (user_compute_stream), or null for the host.</summary>
    nint? ComputeStream { get; }

    /// <summary>A zeroed buffer of [rows, width].</summary>
    StepBuffer Allocate(int rows, int width);

    /// <summary>destination[offset ..] ← source; the span may be reused as soon as this returns.</summary>
    void Upload(ReadOnlySpan<float> source, StepBuffer destination, long offset);

    /// <summary>destination ← source[offset ..], after all work issued before; returns when the data is there.</summary>
    void Download(StepBuffer source, long offset, Span<float> destination);

    /// <summary>destination[destinationOffset ..] ← source[sourceOffset ..], count elements; the ranges must not overlap.</summary>
    void Copy(StepBuffer source, long sourceOffset, StepBuffer destination, long destinationOffset, long count);

    /// <summary>
    /// destination[b, i, :] ← source[b, indices[i], :] over the buffers' prefixes of shape's lengths
    /// (<see cref="IRowKernels.GatherRows"/>); source and destination must be different buffers.
    /// </summary>
    void GatherRows(StepBuffer source, ReadOnlySpan<int> indices, StepBuffer destination, RowShape shape);

    /// <summary>o ← attention(q, k, v) over the buffers' prefixes of shape's lengths (<see cref="IAttentionKernel"/>).</summary>
    void Attention(StepBuffer q, StepBuffer k, StepBuffer v, StepBuffer o, AttentionShape shape);

    /// <summary>Waits for all work issued so far.</summary>
    void Synchronize();

    /// <summary>
    /// Whether ONNX Runtime copies a bound input to the session's device when it is bound, so a buffer
    /// written after binding is not seen unless bound again: host buffers under the CUDA provider.
    /// </summary>
    bool InputsCopiedAtBind => false;

    /// <summary>Binds one input of a run (ONNX Runtime's IOBinding; a test device may emulate what binding copies).</summary>
    void BindInput(OrtIoBinding binding, string name, OrtValue value) => binding.BindInput(name, value);
}
