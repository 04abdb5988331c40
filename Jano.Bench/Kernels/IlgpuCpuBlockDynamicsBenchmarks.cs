using BenchmarkDotNet.Attributes;
using Jano.Kernels.Ilgpu;

namespace Jano.Bench.Kernels;

/// <summary>
/// The ILGPU block-dynamics kernel on ILGPU's CPU accelerator, smallest shape only (32², 1 channel);
/// through the host wrapper, copies included.
/// </summary>
[Config(typeof(Config))]
public class IlgpuCpuBlockDynamicsBenchmarks
{
    private sealed class Config : KernelBenchConfig
    {
        public Config() => AddColumn(new ThroughputColumn("GFLOP/s", "distance-matrix FLOPs per call (BlockDynamicsCase.Flops) over the mean time",
            BlockDynamicsCase.FlopsOf));
    }

    private IlgpuKernels _device = null!;
    private BlockDynamicsHost _host = null!;
    private BlockDynamicsCase _case = null!;

    [Params(32)]
    public int Size { get; set; }

    [Params(1)]
    public int Channels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _case = new BlockDynamicsCase(Size, Channels);
        _device = IlgpuKernels.CreateCpu();
        _host = new BlockDynamicsHost(new BlockDynamicsDevice(_device.Accelerator));
    }

    [Benchmark(Description = "ILGPU CPU accelerator")]
    public void BlockDynamics() => _host.BlockDynamics(_case.Predictions, _case.Spatial, _case.Temporal, _case.Shape);

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.Dispose();
        _device.Dispose();
    }
}
