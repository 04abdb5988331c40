namespace Jano.Bench.Kernels;

/// <summary>
/// Threads the kernel suites use (kernels and ONNX Runtime alike): JANO_BENCH_THREADS, else all cores.
/// An environment variable rather than a flag because BenchmarkDotNet owns the command line after `kernels`.
/// </summary>
public static class BenchThreads
{
    public static int Count =>
        int.TryParse(Environment.GetEnvironmentVariable("JANO_BENCH_THREADS"), out var n) && n > 0 ? n : Environment.ProcessorCount;
}
