using BenchmarkDotNet.Attributes;
using Jano.Kernels;
using Jano.Kernels.Ilgpu;

namespace Jano.Bench.Kernels;

/// <summary>
/// The ILGPU attention kernel on ILGPU's CPU accelerator, which runs the GPU code one simulated thread
/// at a time, with every warp shuffle and barrier simulated: n = 64, N = 256 at 2 heads took 177 s
/// for one call here. So only a toy shape (4 queries × 64 keys, one head of 32), to check that the GPU
/// path runs and to see its cost, not to compete. Timed through the host wrapper, copies included.
/// </summary>
[Config(typeof(Config))]
public class IlgpuCpuAttentionBenchmarks
{
    public const int Heads = 1;

    private sealed class Config : KernelBenchConfig
    {
        public Config() => AddColumn(new ThroughputColumn("GFLOP/s", "4·n·N·D FLOPs per call over the mean time",
            c => AttentionCase.FlopsOf(c, Heads)));
    }

    private AttentionInputs _inputs = null!;
    private IlgpuHostKernels _kernels = null!;

    public static IEnumerable<AttentionCase> Shapes => [new AttentionCase(4, 64)];

    [ParamsSource(nameof(Shapes))]
    public AttentionCase Shape { get; set; } = null!;

    [Params(32)]
    public int HeadDim { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _inputs = new AttentionInputs(AttentionShape.Create(1, Shape.Queries, Shape.Keys, Shape.Keys, Heads, HeadDim));
        _kernels = new IlgpuHostKernels(IlgpuKernels.CreateCpu(), ownsDevice: true);
    }

    [Benchmark(Description = "ILGPU CPU accelerator")]
    public void Attention() => _kernels.Attention(_inputs.Q, _inputs.K, _inputs.V, _inputs.O, _inputs.Shape);

    [GlobalCleanup]
    public void Cleanup() => _kernels.Dispose();
}
