using BenchmarkDotNet.Running;

namespace Jano.Bench.Kernels;

/// <summary>
/// The BenchmarkDotNet suites of the `kernels` mode. The CUDA suite is listed only where ILGPU finds
/// a CUDA device, so that `--filter *` on a CPU-only machine runs what it can instead of failing.
/// </summary>
public static class KernelSuites
{
    public static Type[] Available(TextWriter log)
    {
        var suites = new List<Type>
        {
            typeof(AttentionBenchmarks),
            typeof(IlgpuCpuAttentionBenchmarks),
            typeof(RowKernelBenchmarks),
            typeof(IlgpuCpuRowBenchmarks),
            typeof(BlockDynamicsBenchmarks),
            typeof(IlgpuCpuBlockDynamicsBenchmarks),
        };
        if (IlgpuCudaAttentionBenchmarks.Available(out var reason)) suites.Add(typeof(IlgpuCudaAttentionBenchmarks));
        else log.WriteLine($"note: no ILGPU CUDA suite ({reason})");
        return [.. suites];
    }

    public static int Run(string[] args, TextWriter log)
    {
        var summaries = BenchmarkSwitcher.FromTypes(Available(log)).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
