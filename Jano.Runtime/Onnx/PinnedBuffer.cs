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
    public OrtValue View(int rows, bool batched = true)
    {
        if (rows < 0 || rows > Rows) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"buffer has {Rows} rows");
        var key = rows * 2L + (batched ? 1 : 0);
        if (!_views.TryGetValue(key, out var value))
        {
            long[] shape = batched ? [1, rows, Width] : [rows, Width];
            value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Data.AsMemory(0, rows * Width), shape);
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
