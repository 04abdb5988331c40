using Jano.Kernels;
using Jano.Kernels.Cuda;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Devices;

/// <summary>
/// The step loop in GPU memory. Buffers are cuMemAlloc'd in the device's primary context, the context
/// ONNX Runtime's CUDA provider uses, and bound to its sessions as CUDA tensors; ONNX Runtime runs on
/// <see cref="ComputeStream"/> (its user_compute_stream) and our copies and kernels (row gathers,
/// attention: ILGPU's PTX through the driver API) are enqueued on the same stream, so they are
/// ordered with the graph runs without any host synchronisation. Only <see cref="Download"/> waits.
/// </summary>
public sealed class CudaStepDevice : IStepDevice
{
    private readonly CudaDevice _device;
    private readonly CudaKernels _kernels;
    private readonly CudaScratch _indices;
    private readonly OrtMemoryInfo _memoryInfo;

    private CudaStepDevice(CudaDevice device, CudaKernels kernels, bool bindAsHostMemory)
    {
        _device = device;
        _kernels = kernels;
        _indices = new CudaScratch(device);
        _memoryInfo = bindAsHostMemory
            ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default)
            : new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, device.Ordinal, OrtMemType.Default);
    }

    /// <summary>Device <paramref name="ordinal"/> with the kernels loaded, or null with the reason.</summary>
    public static CudaStepDevice? TryCreate(int ordinal, out string? reason) => TryCreate(ordinal, bindAsHostMemory: false, out reason);

    /// <summary>
    /// For tests on tools/device/fake-libcuda only, whose "device" memory is host memory: buffers are
    /// bound to ONNX Runtime as CPU tensors, so the CPU provider can run the whole step loop on this
    /// device's driver-API path. On a real GPU this would hand device addresses to the CPU provider.
    /// </summary>
    internal static CudaStepDevice? TryCreateOnEmulatedDriver(out string? reason) => TryCreate(0, bindAsHostMemory: true, out reason);

    private static CudaStepDevice? TryCreate(int ordinal, bool bindAsHostMemory, out string? reason)
    {
        var device = CudaDevice.TryOpen(ordinal, out reason);
        if (device is null) return null;
        try
        {
            return new CudaStepDevice(device, CudaKernels.Load(device), bindAsHostMemory);
        }
        catch (Exception e) when (e is CudaException or NotSupportedException)
        {
            device.Dispose();
            reason = e.Message;
            return null;
        }
    }

    public string Description => $"{_device.Name} (compute capability {_device.ComputeCapability.Major}.{_device.ComputeCapability.Minor}), device memory";
    public nint? ComputeStream => _device.Stream.Value;

    public StepBuffer Allocate(int rows, int width) => new CudaBuffer(rows, width, _device.AllocateZeroed32((long)rows * width), _memoryInfo);

    public void Upload(ReadOnlySpan<float> source, StepBuffer destination, long offset)
    {
        StepBufferChecks.Range(destination, offset, source.Length, "destination");
        _device.Upload(source, Address(destination, offset));
    }

    public void Download(StepBuffer source, long offset, Span<float> destination)
    {
        StepBufferChecks.Range(source, offset, destination.Length, "source");
        _device.Download(Address(source, offset), destination);
    }

    public void Copy(StepBuffer source, long sourceOffset, StepBuffer destination, long destinationOffset, long count)
    {
        StepBufferChecks.Range(source, sourceOffset, count, "source");
        StepBufferChecks.Range(destination, destinationOffset, count, "destination");
        _device.Copy(Address(source, sourceOffset), Address(destination, destinationOffset), count * sizeof(float));
    }

    public void GatherRows(StepBuffer source, ReadOnlySpan<int> indices, StepBuffer destination, RowShape shape)
    {
        StepBufferChecks.Rows(source, destination, indices.Length, shape);
        RowShape.ValidateIndices(indices, shape.SourceRows);
        _kernels.GatherRows(source.Pointer, _indices.Upload<int>(indices), indices.Length, destination.Pointer, shape);
    }

    public void Attention(StepBuffer q, StepBuffer k, StepBuffer v, StepBuffer o, AttentionShape shape)
    {
        StepBufferChecks.Attention(q, k, v, o, shape);
        _kernels.Attention(q.Pointer, k.Pointer, v.Pointer, o.Pointer, shape);
    }

    public void Synchronize() => _device.Synchronize();

    public void Dispose()
    {
        _indices.Dispose();
        _kernels.Dispose();
        _memoryInfo.Dispose();
        _device.Dispose();
    }

    private static nint Address(StepBuffer buffer, long offset) => buffer.Pointer + checked((nint)(offset * sizeof(float)));

    private sealed class CudaBuffer(int rows, int width, CudaDeviceMemory memory, OrtMemoryInfo memoryInfo) : StepBuffer(rows, width, memoryInfo)
    {
        public override nint Pointer => memory.Pointer;
        protected override void Free() => memory.Dispose();
    }
}
