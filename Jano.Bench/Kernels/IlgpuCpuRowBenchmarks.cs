using BenchmarkDotNet.Attributes;
using Jano.Kernels.Ilgpu;

namespace Jano.Bench.Kernels;

/// <summary>
/// The ILGPU gather/scatter kernels on ILGPU's CPU accelerator at the smallest shape only (it runs GPU
/// code one simulated thread at a time); through the host wrapper, so copies in and out are included.
/// </summary>
[Config(typeof(Config))]
public class IlgpuCpuRowBenchmarks
{
    private sealed class Config : KernelBenchConfig
    {
        public Config() => AddColumn(new ThroughputColumn("GB/s", "bytes read and written per call over the mean time", RowCase.BytesOf));
    }

    private IlgpuHostKernels _kernels = null!;
    private RowCase _case = null!;

    [Params(256)]
    public int Rows { get; set; }

    [Params(16)]
    public int Width { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _case = new RowCase(Rows, Width);
        _kernels = new IlgpuHostKernels(IlgpuKernels.CreateCpu(), ownsDevice: true);
    }

    [Benchmark(Description = "ILGPU CPU gather")]
    public void Gather() => _kernels.GatherRows(_case.Full, _case.Indices, _case.Subset, _case.GatherShape);

    [Benchmark(Description = "ILGPU CPU scatter")]
    public void Scatter() => _kernels.ScatterRows(_case.Subset, _case.Indices, _case.Full, _case.ScatterShape);

    [GlobalCleanup]
    public void Cleanup() => _kernels.Dispose();
}
