using System.Diagnostics;
using Jano.Kernels.Cpu;

namespace Jano.Kernels.Diagnostics;

/// <summary>
/// Quick wall-clock timing of an attention kernel on random inputs, for benchmarks and ad-hoc
/// checks (never for tests). Build in Release for meaningful numbers.
/// </summary>
public static class AttentionTiming
{
    /// <summary>The shapes quoted in the kernel notes: (B=2, H=4, hd=32, n=N=256) and (B=2, H=16, hd=72, n=N=1024).</summary>
    public static IReadOnlyList<AttentionShape> ReferenceShapes { get; } =
    [
        AttentionShape.Create(2, 256, 256, 256, 4, 32),
        AttentionShape.Create(2, 1024, 1024, 1024, 16, 72),
    ];

    /// <summary>Median milliseconds per call over <paramref name="iterations"/> calls after warm-up.</summary>
    public static double MillisecondsPerCall(IAttentionKernel kernel, AttentionShape shape, int iterations = 10,
        int warmup = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var random = new Random(1234);
        float[] q = Random(random, shape.QueryLength);
        float[] k = Random(random, shape.KeyValueLength);
        float[] v = Random(random, shape.KeyValueLength);
        float[] o = new float[shape.QueryLength];
        for (int i = 0; i < warmup; i++) kernel.Attention(q, k, v, o, shape);
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            kernel.Attention(q, k, v, o, shape);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[iterations / 2];
    }

    /// <summary>Floating-point operations of one call: 4 · B · H · n · N · hd (two matrix products).</summary>
    public static double Flops(AttentionShape shape) =>
        4.0 * shape.Batch * shape.Heads * shape.Queries * shape.Keys * shape.HeadDim;

    /// <summary>Times <see cref="CpuAttention"/> on <see cref="ReferenceShapes"/> and prints one line each.</summary>
    public static void PrintCpu(TextWriter writer, int iterations = 10)
    {
        var kernel = new CpuAttention();
        foreach (AttentionShape shape in ReferenceShapes)
        {
            double ms = MillisecondsPerCall(kernel, shape, iterations);
            writer.WriteLine(
                $"Cpu attention B={shape.Batch} H={shape.Heads} hd={shape.HeadDim} n={shape.Queries} N={shape.Keys}: " +
                $"{ms:F3} ms/call, {Flops(shape) / ms / 1e6:F1} GFLOP/s ({Environment.ProcessorCount} threads)");
        }
    }

    private static float[] Random(Random random, long length)
    {
        var data = new float[length];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        return data;
    }
}
