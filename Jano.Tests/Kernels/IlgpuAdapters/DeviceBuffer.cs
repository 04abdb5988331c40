using ILGPU;
using ILGPU.Runtime;

namespace Jano.Kernels.Ilgpu;

/// <summary>
/// A device buffer that is kept between calls and grown (never shrunk) when a longer view is asked
/// for, so that steady-state calls allocate nothing on the device or the host.
/// </summary>
internal sealed class DeviceBuffer<T>(Accelerator accelerator) : IDisposable where T : unmanaged
{
    private MemoryBuffer1D<T, Stride1D.Dense>? _buffer;

    /// <summary>A view of exactly <paramref name="length"/> elements; earlier contents may be lost.</summary>
    public ArrayView<T> View(long length)
    {
        if (_buffer is null || _buffer.Length < length)
        {
            _buffer?.Dispose();
            long capacity = Math.Max(length, (_buffer?.Length ?? 0) * 3 / 2);
            _buffer = accelerator.Allocate1D<T>(Math.Max(capacity, 1));
        }
        return _buffer.View.SubView(0, length);
    }

    /// <summary>Copies <paramref name="source"/> into the buffer and returns the view holding it.</summary>
    public ArrayView<T> Upload(ReadOnlySpan<T> source)
    {
        ArrayView<T> view = View(source.Length);
        if (!source.IsEmpty) view.CopyFromCPU(source);
        return view;
    }

    public void Dispose()
    {
        _buffer?.Dispose();
        _buffer = null;
    }
}
