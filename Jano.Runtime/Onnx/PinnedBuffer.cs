using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Onnx;

/// <summary>
/// A float buffer on the pinned object heap, so ONNX Runtime can read and write it in place through
/// OrtValues that view a prefix of its rows. The views are created once per shape and owned here.
/// </summary>
public sealed class PinnedBuffer : IDisposable
{
    private readonly Dictionary<long, OrtValue> _views = [];

    public PinnedBuffer(int rows, int width)
    {
        Rows = rows;
        Width = width;
        Data = GC.AllocateArray<float>(checked(rows * width), pinned: true);
    }

    public int Rows { get; }
    public int Width { get; }
    public float[] Data { get; }
    public Span<float> Span => Data;

    public Span<float> RowsSpan(int count) => Data.AsSpan(0, count * Width);

    /// <summary>An OrtValue over the first <paramref name="rows"/> rows shaped [1, rows, Width] (or [rows, Width]).</summary>
    public OrtValue View(int rows, bool batched = true) => batched ? View(1, rows) : View(0, rows);

    /// <summary>
    /// An OrtValue over the first batch·rows rows shaped [batch, rows, Width], items packed one after
    /// another; batch 0 means the 2-D view [rows, Width].
    /// </summary>
    public OrtValue View(int batch, int rows)
    {
        var items = Math.Max(batch, 1);
        if (rows < 0 || (long)items * rows > Rows) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"buffer has {Rows} rows, asked for {items}×{rows}");
        var key = ((long)batch << 32) | (uint)rows;
        if (!_views.TryGetValue(key, out var value))
        {
            long[] shape = batch == 0 ? [rows, Width] : [batch, rows, Width];
            value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Data.AsMemory(0, items * rows * Width), shape);
            _views[key] = value;
        }
        return value;
    }

    /// <summary>An OrtValue over the whole buffer with an explicit shape.</summary>
    public OrtValue ViewAs(params long[] shape)
    {
        long count = 1;
        foreach (var d in shape) count *= d;
        var key = -1 - count; // whole-buffer views never collide with row views (non-negative keys)

        if (!_views.TryGetValue(key, out var value))
        {
            value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Data.AsMemory(0, (int)count), shape);
            _views[key] = value;
        }
        return value;
    }

    public void Dispose()
    {
        foreach (var v in _views.Values) v.Dispose();
        _views.Clear();
    }
}
