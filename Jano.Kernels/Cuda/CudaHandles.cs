using System.Runtime.InteropServices;

namespace Jano.Kernels.Cuda;

/// <summary>
/// A driver object that lives in one context. Releasing makes that context current first: the
/// finalizer thread (or any thread but the owner's) has no current context, and the driver frees
/// memory, streams and modules only in theirs.
/// </summary>
public abstract class CudaContextBoundHandle : SafeHandle
{
    protected CudaContextBoundHandle(nint context) : base(0, ownsHandle: true) => Context = context;

    /// <summary>The context the object belongs to.</summary>
    protected nint Context { get; }

    public override bool IsInvalid => handle == 0;

    protected sealed override bool ReleaseHandle() =>
        CudaDriver.cuCtxSetCurrent(Context) == 0 && Release(handle) == 0;

    /// <summary>The driver call that frees the object; returns its CUresult.</summary>
    protected abstract int Release(nint value);

    internal void Set(nint value) => SetHandle(value);
}

/// <summary>A block of device memory from cuMemAlloc, freed with cuMemFree.</summary>
public sealed class CudaDeviceMemory : CudaContextBoundHandle
{
    internal CudaDeviceMemory(nint context, long bytes) : base(context) => Bytes = bytes;

    /// <summary>The device address (CUdeviceptr).</summary>
    public nint Pointer => DangerousGetHandle();

    public long Bytes { get; }

    protected override int Release(nint value) => CudaDriver.cuMemFree_v2(value);
}

/// <summary>A stream from cuStreamCreate, destroyed with cuStreamDestroy.</summary>
public sealed class CudaStream : CudaContextBoundHandle
{
    internal CudaStream(nint context) : base(context) { }

    /// <summary>The CUstream (the same value is a cudaStream_t for the runtime API).</summary>
    public nint Value => DangerousGetHandle();

    protected override int Release(nint value) => CudaDriver.cuStreamDestroy_v2(value);
}

/// <summary>A module loaded from PTX with cuModuleLoadDataEx, unloaded with cuModuleUnload.</summary>
public sealed class CudaModule : CudaContextBoundHandle
{
    internal CudaModule(nint context) : base(context) { }

    protected override int Release(nint value) => CudaDriver.cuModuleUnload(value);
}

/// <summary>
/// A retained reference to a device's primary context (cuDevicePrimaryCtxRetain), released with
/// cuDevicePrimaryCtxRelease: the context itself is shared with whoever else retains it (the CUDA
/// runtime, so ONNX Runtime's CUDA provider).
/// </summary>
public sealed class CudaPrimaryContext : SafeHandle
{
    internal CudaPrimaryContext(int device) : base(0, ownsHandle: true) => Device = device;

    public int Device { get; }

    /// <summary>The CUcontext.</summary>
    public nint Value => DangerousGetHandle();

    public override bool IsInvalid => handle == 0;

    internal void Set(nint value) => SetHandle(value);

    protected override bool ReleaseHandle() => CudaDriver.cuDevicePrimaryCtxRelease_v2(Device) == 0;
}
