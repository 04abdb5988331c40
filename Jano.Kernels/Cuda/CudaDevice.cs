using System.Runtime.InteropServices;

namespace Jano.Kernels.Cuda;

/// <summary>
/// One GPU through the driver API: its primary context (the one the CUDA runtime, and so ONNX
/// Runtime's CUDA provider, works in) and one non-blocking stream on which everything here is
/// enqueued. Give <see cref="Stream"/> to ONNX Runtime as its user_compute_stream and graph runs,
/// copies and kernel launches execute in issue order with no host synchronisation between them.
/// Every call makes the primary context current on the calling thread first (cheap), so it does not
/// matter which thread, or which library, touched the context last.
/// </summary>
public sealed unsafe class CudaDevice : IDisposable
{
    private readonly CudaPrimaryContext _context;

    private CudaDevice(int ordinal, CudaPrimaryContext context, CudaStream stream, string name, int major, int minor)
    {
        Ordinal = ordinal;
        _context = context;
        Stream = stream;
        Name = name;
        ComputeCapability = (major, minor);
    }

    public int Ordinal { get; }
    public string Name { get; }
    public (int Major, int Minor) ComputeCapability { get; }
    public CudaStream Stream { get; }

    /// <summary>The device <paramref name="ordinal"/>, or null with the reason (no driver, no GPU, driver error).</summary>
    public static CudaDevice? TryOpen(int ordinal, out string? reason)
    {
        try
        {
            var device = Open(ordinal);
            reason = null;
            return device;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            reason = $"the NVIDIA driver library (libcuda.so.1) cannot be loaded: {e.Message.Split(". ")[0]}";
        }
        catch (CudaException e)
        {
            reason = e.Message;
        }
        catch (ArgumentOutOfRangeException e)
        {
            reason = e.Message;
        }
        return null;
    }

    /// <summary>Opens device <paramref name="ordinal"/>; throws <see cref="CudaException"/> or DllNotFoundException.</summary>
    public static CudaDevice Open(int ordinal)
    {
        CudaDriver.Check(CudaDriver.cuInit(0), "cuInit");
        CudaDriver.Check(CudaDriver.cuDeviceGetCount(out var count), "cuDeviceGetCount");
        if (ordinal < 0 || ordinal >= count)
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"CUDA device {ordinal} does not exist ({count} found)");
        CudaDriver.Check(CudaDriver.cuDeviceGet(out var device, ordinal), "cuDeviceGet");
        CudaDriver.Check(CudaDriver.cuDeviceGetAttribute(out var major, CudaDriver.AttributeComputeCapabilityMajor, device), "cuDeviceGetAttribute");
        CudaDriver.Check(CudaDriver.cuDeviceGetAttribute(out var minor, CudaDriver.AttributeComputeCapabilityMinor, device), "cuDeviceGetAttribute");
        var nameBytes = stackalloc byte[256];
        CudaDriver.Check(CudaDriver.cuDeviceGetName(nameBytes, 256, device), "cuDeviceGetName");
        var name = Marshal.PtrToStringUTF8((nint)nameBytes) ?? $"CUDA device {ordinal}";

        var context = new CudaPrimaryContext(device);
        try
        {
            CudaDriver.Check(CudaDriver.cuDevicePrimaryCtxRetain(out var ctx, device), "cuDevicePrimaryCtxRetain");
            context.Set(ctx);
            CudaDriver.Check(CudaDriver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
            var stream = new CudaStream(ctx);
            CudaDriver.Check(CudaDriver.cuStreamCreate(out var s, CudaDriver.StreamNonBlocking), "cuStreamCreate");
            stream.Set(s);
            return new CudaDevice(ordinal, context, stream, name, major, minor);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Makes the primary context current on this thread.</summary>
    public void MakeCurrent() => CudaDriver.Check(CudaDriver.cuCtxSetCurrent(_context.Value), "cuCtxSetCurrent");

    /// <summary>Allocates device memory zeroed (on the stream) for <paramref name="elements"/> 4-byte values.</summary>
    public CudaDeviceMemory AllocateZeroed32(long elements)
    {
        MakeCurrent();
        var bytes = Math.Max(elements, 1) * 4;
        var memory = new CudaDeviceMemory(_context.Value, bytes);
        CudaDriver.Check(CudaDriver.cuMemAlloc_v2(out var pointer, (nuint)bytes), $"cuMemAlloc ({bytes} bytes)");
        memory.Set(pointer);
        CudaDriver.Check(CudaDriver.cuMemsetD32Async(pointer, 0, (nuint)Math.Max(elements, 1), Stream.Value), "cuMemsetD32Async");
        return memory;
    }

    /// <summary>Enqueues host → device; the host span may be reused when this returns (the driver stages pageable memory).</summary>
    public void Upload<T>(ReadOnlySpan<T> source, nint destination) where T : unmanaged
    {
        if (source.IsEmpty) return;
        MakeCurrent();
        fixed (T* s = source)
            CudaDriver.Check(CudaDriver.cuMemcpyHtoDAsync_v2(destination, s, (nuint)(source.Length * sizeof(T)), Stream.Value), "cuMemcpyHtoDAsync");
    }

    /// <summary>Device → host after everything enqueued before it; returns when the data is in <paramref name="destination"/>.</summary>
    public void Download<T>(nint source, Span<T> destination) where T : unmanaged
    {
        if (destination.IsEmpty) return;
        MakeCurrent();
        fixed (T* d = destination)
        {
            CudaDriver.Check(CudaDriver.cuMemcpyDtoHAsync_v2(d, source, (nuint)(destination.Length * sizeof(T)), Stream.Value), "cuMemcpyDtoHAsync");
            CudaDriver.Check(CudaDriver.cuStreamSynchronize(Stream.Value), "cuStreamSynchronize");
        }
    }

    /// <summary>Enqueues a device → device copy of <paramref name="bytes"/> bytes.</summary>
    public void Copy(nint source, nint destination, long bytes)
    {
        if (bytes == 0) return;
        MakeCurrent();
        CudaDriver.Check(CudaDriver.cuMemcpyDtoDAsync_v2(destination, source, (nuint)bytes, Stream.Value), "cuMemcpyDtoDAsync");
    }

    /// <summary>Waits for everything enqueued on the stream.</summary>
    public void Synchronize()
    {
        MakeCurrent();
        CudaDriver.Check(CudaDriver.cuStreamSynchronize(Stream.Value), "cuStreamSynchronize");
    }

    /// <summary>Loads a PTX module into the primary context; a JIT failure's log is in the exception.</summary>
    public CudaModule LoadPtx(string ptx)
    {
        MakeCurrent();
        var image = System.Text.Encoding.UTF8.GetBytes(ptx + "\0");
        const int logSize = 8192;
        var log = stackalloc byte[logSize];
        var options = stackalloc int[] { CudaDriver.JitErrorLogBuffer, CudaDriver.JitErrorLogBufferSizeBytes };
        var values = stackalloc void*[] { log, (void*)logSize };
        var module = new CudaModule(_context.Value);
        fixed (byte* p = image)
        {
            var result = CudaDriver.cuModuleLoadDataEx(out var handle, p, 2, options, values);
            if (result != 0)
            {
                module.Dispose();
                var text = Marshal.PtrToStringUTF8((nint)log)?.Trim();
                CudaDriver.Check(result, string.IsNullOrEmpty(text) ? "cuModuleLoadDataEx" : $"cuModuleLoadDataEx (JIT log: {text})");
            }
            module.Set(handle);
        }
        return module;
    }

    /// <summary>A kernel entry of a loaded module (valid while the module is).</summary>
    public nint Function(CudaModule module, string entry)
    {
        MakeCurrent();
        var name = System.Text.Encoding.UTF8.GetBytes(entry + "\0");
        nint function;
        fixed (byte* p = name)
            CudaDriver.Check(CudaDriver.cuModuleGetFunction(out function, module.DangerousGetHandle(), p), $"cuModuleGetFunction({entry})");
        return function;
    }

    public void Dispose()
    {
        try { Synchronize(); } catch (CudaException) { /* a failed stream still gets released */ }
        Stream.Dispose();
        _context.Dispose();
    }
}
