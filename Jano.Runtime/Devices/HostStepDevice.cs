using System.Runtime.InteropServices;
using Jano.Kernels;
using Jano.Kernels.Cpu;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Devices;

/// <summary>
/// The step loop in host memory, for ONNX Runtime's CPU provider: buffers are arrays on the pinned
/// object heap (ONNX Runtime reads and writes them in place), copies are span copies, rows and attention
/// run on the CPU kernels. Everything is synchronous.
/// </summary>
public sealed class HostStepDevice : IStepDevice
{
    private readonly IAttentionKernel _attention;
    private readonly IRowKernels _rows = new CpuRowKernels();
    private readonly bool _exposeHostData;

    /// <param name="attention">The attention kernel for <see cref="Attention"/>; the CPU kernel when null.</param>
    /// <param name="threads">Threads of the default CPU attention kernel (0: all cores).</param>
    /// <param name="sessionsOnAnotherDevice">The sessions run on a GPU (host buffers under the CUDA provider): ONNX Runtime copies bound inputs at bind time, so every run binds them again.</param>
    public HostStepDevice(IAttentionKernel? attention = null, int threads = 0, bool sessionsOnAnotherDevice = false)
        : this(attention, threads, exposeHostData: true, sessionsOnAnotherDevice) { }

    private HostStepDevice(IAttentionKernel? attention, int threads, bool exposeHostData, bool sessionsOnAnotherDevice)
    {
        _attention = attention ?? new CpuAttention(threads > 0 ? threads : -1);
        _exposeHostData = exposeHostData;
        InputsCopiedAtBind = sessionsOnAnotherDevice;
    }

    public bool InputsCopiedAtBind { get; }

    /// <summary>
    /// A host device whose buffers do not offer their arrays (<see cref="StepBuffer.HostData"/> null),
    /// so the engine must go through <see cref="Download"/> as it does on a GPU: the GPU's data path, testable
    /// on any machine.
    /// </summary>
    public static HostStepDevice WithOpaqueBuffers(IAttentionKernel? attention = null) => new(attention, 0, exposeHostData: false, sessionsOnAnotherDevice: false);

    public string Description => _exposeHostData ? "host memory" : "host memory (opaque buffers)";
    public nint? ComputeStream => null;

    public StepBuffer Allocate(int rows, int width) => new HostBuffer(rows, width, _exposeHostData);

    public void Upload(ReadOnlySpan<float> source, StepBuffer destination, long offset)
    {
        StepBufferChecks.Range(destination, offset, source.Length, "destination");
        source.CopyTo(Span(destination, offset, source.Length));
    }

    public void Download(StepBuffer source, long offset, Span<float> destination)
    {
        StepBufferChecks.Range(source, offset, destination.Length, "source");
        Span(source, offset, destination.Length).CopyTo(destination);
    }

    public void Copy(StepBuffer source, long sourceOffset, StepBuffer destination, long destinationOffset, long count)
    {
        StepBufferChecks.Range(source, sourceOffset, count, "source");
        StepBufferChecks.Range(destination, destinationOffset, count, "destination");
        Span(source, sourceOffset, count).CopyTo(Span(destination, destinationOffset, count));
    }

    public void GatherRows(StepBuffer source, ReadOnlySpan<int> indices, StepBuffer destination, RowShape shape)
    {
        StepBufferChecks.Rows(source, destination, indices.Length, shape);
        _rows.GatherRows(Span(source, 0, shape.SourceLength), indices, Span(destination, 0, shape.DestinationLength), shape);
    }

    public void Attention(StepBuffer q, StepBuffer k, StepBuffer v, StepBuffer o, AttentionShape shape)
    {
        StepBufferChecks.Attention(q, k, v, o, shape);
        _attention.Attention(Span(q, 0, shape.QueryLength), Span(k, 0, shape.KeyValueLength), Span(v, 0, shape.KeyValueLength),
            Span(o, 0, shape.QueryLength), shape);
    }

    public void Synchronize() { }

    public void Dispose() { }

    private static Span<float> Span(StepBuffer buffer, long offset, long count) =>
        ((HostBuffer)buffer).Data.AsSpan(checked((int)offset), checked((int)count));

    private sealed class HostBuffer : StepBuffer
    {
        private readonly bool _expose;

        public HostBuffer(int rows, int width, bool expose) : base(rows, width, OrtMemoryInfo.DefaultInstance)
        {
            _expose = expose;
            Data = GC.AllocateArray<float>(checked(rows * width), pinned: true);
        }

        /// <summary>On the pinned object heap: the address never changes.</summary>
        public float[] Data { get; }

        public override nint Pointer => Marshal.UnsafeAddrOfPinnedArrayElement(Data, 0);
        public override float[]? HostData => _expose ? Data : null;

        protected override void Free() { }
    }
}
