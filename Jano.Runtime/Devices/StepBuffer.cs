using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Jano.Runtime.Devices;

/// <summary>
/// A persistent float32 buffer of the step loop, [Rows, Width] row-major, in the memory of the device
/// that allocated it (host or GPU), with ONNX Runtime views of its prefixes for IOBinding. The views
/// are created once per shape and owned here, so binding never allocates on the hot path.
/// </summary>
public abstract class StepBuffer : IDisposable
{
    private readonly Dictionary<long, OrtValue> _views = [];
    private readonly OrtMemoryInfo _memoryInfo;

    protected StepBuffer(int rows, int width, OrtMemoryInfo memoryInfo)
    {
        if (rows < 0 || width < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"buffer shape [{rows}, {width}] is negative");
        Rows = rows;
        Width = width;
        _memoryInfo = memoryInfo;
    }

    public int Rows { get; }
    public int Width { get; }

    /// <summary>Elements: Rows · Width.</summary>
    public long Length => (long)Rows * Width;

    /// <summary>Address of element 0 in the device's memory.</summary>
    public abstract nint Pointer { get; }

    /// <summary>The values, when they live in host memory the caller may read; null on a GPU.</summary>
    public virtual float[]? HostData => null;

    /// <summary>
    /// A view of the first batch·rows rows shaped [batch, rows, Width], items packed one after another;
    /// batch 0 means the 2-D view [rows, Width].
    /// </summary>
    public OrtValue View(int batch, int rows)
    {
        var items = Math.Max(batch, 1);
        if (rows < 0 || (long)items * rows > Rows) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"buffer has {Rows} rows, asked for {items}×{rows}");
        var key = ((long)batch << 32) | (uint)rows;
        if (!_views.TryGetValue(key, out var value))
        {
            long[] shape = batch == 0 ? [rows, Width] : [batch, rows, Width];
            value = Create(shape, (long)items * rows * Width);
            _views[key] = value;
        }
        return value;
    }

    /// <summary>A view of the first elements of the buffer with an explicit shape.</summary>
    public OrtValue ViewAs(params long[] shape)
    {
        long count = 1;
        foreach (var d in shape) count *= d;
        if (count > Length) throw new ArgumentOutOfRangeException(nameof(shape), $"shape [{string.Join(", ", shape)}] needs {count} elements, the buffer has {Length}");
        var key = -1 - count; // whole-buffer views never collide with row views (non-negative keys)
        if (!_views.TryGetValue(key, out var value))
        {
            value = Create(shape, count);
            _views[key] = value;
        }
        return value;
    }

    private OrtValue Create(long[] shape, long elements) =>
        OrtValue.CreateTensorValueWithData(_memoryInfo, TensorElementType.Float, shape, Pointer, elements * sizeof(float));

    /// <summary>Frees the memory (after the views that point into it are gone).</summary>
    protected abstract void Free();

    public void Dispose()
    {
        foreach (var v in _views.Values) v.Dispose();
        _views.Clear();
        Free();
    }
}
