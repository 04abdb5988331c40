namespace Jano.Kernels.Cuda;

/// <summary>Device memory kept between calls and grown (never shrunk) when more is asked for.</summary>
public sealed class CudaScratch(CudaDevice device) : IDisposable
{
    private CudaDeviceMemory? _memory;

    /// <summary>An address with room for <paramref name="elements"/> 4-byte values; earlier contents may be lost.</summary>
    public nint Reserve(long elements)
    {
        if (_memory is null || _memory.Bytes < elements * 4)
        {
            _memory?.Dispose();
            _memory = device.AllocateZeroed32(Math.Max(elements, (_memory?.Bytes ?? 0) / 4 * 3 / 2));
        }
        return _memory.Pointer;
    }

    /// <summary>Uploads <paramref name="source"/> and returns its device address.</summary>
    public nint Upload<T>(ReadOnlySpan<T> source) where T : unmanaged
    {
        var pointer = Reserve(source.Length);
        device.Upload(source, pointer);
        return pointer;
    }

    public void Dispose()
    {
        _memory?.Dispose();
        _memory = null;
    }
}
