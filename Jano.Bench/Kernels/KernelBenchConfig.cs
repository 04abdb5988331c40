using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Jano.Bench.Kernels;

/// <summary>
/// The short job every kernel suite runs: in-process (no generated project to build per run, which
/// on a 2-core machine costs more than the measurements), one launch, 2 warm-up and 5 measured
/// iterations of about 250 ms, so the whole `kernels` run takes minutes. Numbers from it are for
/// comparing backends and shapes, not for publishing to three digits. Pass BenchmarkDotNet's own
/// flags (e.g. `--job default`) after `kernels` for a longer, out-of-process run.
/// </summary>
public class KernelBenchConfig : ManualConfig
{
    public KernelBenchConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
