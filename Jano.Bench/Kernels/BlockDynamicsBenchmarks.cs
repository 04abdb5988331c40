using BenchmarkDotNet.Attributes;
using Jano.Kernels.Cpu;

namespace Jano.Bench.Kernels;

/// <summary>
/// Jano's block dynamics (the analysis kernel) on the CPU for latents of 32², 64² and 128² pixels
/// (256, 1024 and 4096 tokens at patch 2) with 1 channel (the default model) and 4 (PixArt's VAE).
/// </summary>
[Config(typeof(Config))]
public class BlockDynamicsBenchmarks
{
    private sealed class Config : KernelBenchConfig
    {
        public Config() => AddColumn(new ThroughputColumn("GFLOP/s", "distance-matrix FLOPs per call (BlockDynamicsCase.Flops) over the mean time",
            BlockDynamicsCase.FlopsOf));
    }

    private CpuBlockDynamics _cpu = null!;
    private BlockDynamicsCase _case = null!;

    [Params(32, 64, 128)]
    public int Size { get; set; }

    [Params(1, 4)]
    public int Channels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _case = new BlockDynamicsCase(Size, Channels);
        _cpu = new CpuBlockDynamics(BenchThreads.Count);
    }

    [Benchmark(Description = "Cpu")]
    public void BlockDynamics() => _cpu.BlockDynamics(_case.Predictions, _case.Spatial, _case.Temporal, _case.Shape);
}
