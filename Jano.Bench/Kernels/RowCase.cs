using BenchmarkDotNet.Running;
using Jano.Kernels;

namespace Jano.Bench.Kernels;

/// <summary>
/// Buffers for one gather/scatter shape: a quarter of <c>rows</c> rows (Jano's active set at 0.25),
/// picked by a seeded shuffle, moved between a [rows, width] and a [rows/4, width] buffer.
/// </summary>
public sealed class RowCase
{
    public const int SubsetDivisor = 4;

    public RowCase(int rows, int width)
    {
        var subset = rows / SubsetDivisor;
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(3).Shuffle(order);
        Indices = order[..subset];
        Full = new float[rows * width];
        Subset = new float[subset * width];
        var r = new Random(4);
        for (var i = 0; i < Full.Length; i++) Full[i] = r.NextSingle();
        GatherShape = new RowShape(1, rows, subset, width);
        ScatterShape = new RowShape(1, subset, rows, width);
    }

    public int[] Indices { get; }
    public float[] Full { get; }
    public float[] Subset { get; }
    public RowShape GatherShape { get; }
    public RowShape ScatterShape { get; }

    /// <summary>Bytes one call moves: every selected row read once and written once, plus the indices.</summary>
    public static double? BytesOf(BenchmarkCase c) =>
        c.Parameters["Rows"] is int rows && c.Parameters["Width"] is int width
            ? rows / SubsetDivisor * (2.0 * width * sizeof(float) + sizeof(int)) : null;
}
