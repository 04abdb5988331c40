using BenchmarkDotNet.Running;

namespace Jano.Bench.Kernels;

/// <summary>
/// One attention shape of the kernel suites: n queries against N keys/values. Jano computes a subset
/// of the tokens against all of them, so only n ≤ N is measured; BenchmarkDotNet's cartesian [Params]
/// cannot express that, hence one parameter that carries both.
/// </summary>
public sealed record AttentionCase(int Queries, int Keys)
{
    public static readonly int[] QueryCounts = [64, 256, 1024, 4096];
    public static readonly int[] KeyCounts = [256, 1024, 4096];

    /// <summary>Every (n, N) of the grid with n ≤ N.</summary>
    public static IEnumerable<AttentionCase> Grid() =>
        from n in QueryCounts from keys in KeyCounts where n <= keys select new AttentionCase(n, keys);

    /// <summary>Multiply-add FLOPs of one call for one batch item: q·kᵀ and p·v, 2·n·N·D each.</summary>
    public double Flops(int heads, int headDim) => 4.0 * Queries * Keys * heads * headDim;

    /// <summary>Reads the shape and head dimension parameters of a case of an attention suite.</summary>
    public static double? FlopsOf(BenchmarkCase c, int heads) =>
        c.Parameters["Shape"] is AttentionCase shape && c.Parameters["HeadDim"] is int headDim
            ? shape.Flops(heads, headDim) : null;

    // BenchmarkDotNet prints parameter values with ToString: keep the table short.
    public override string ToString() => $"n={Queries},N={Keys}";
}
