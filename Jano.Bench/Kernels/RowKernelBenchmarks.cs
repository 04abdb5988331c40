using BenchmarkDotNet.Attributes;
using Jano.Kernels.Cpu;

namespace Jano.Bench.Kernels;

/// <summary>
/// Row gather and scatter of a quarter of the tokens (Jano's subset steps) on the CPU: widths 16 (the
/// patch rows the engine gathers every step, p·p·C = 2·2·4) and 1152 (hidden rows of a PixArt-α-wide
/// model). Memory-bound, hence GB/s.
/// </summary>
[Config(typeof(Config))]
public class RowKernelBenchmarks
{
    private sealed class Config : KernelBenchConfig
    {
        public Config() => AddColumn(new ThroughputColumn("GB/s", "bytes read and written per call over the mean time", RowCase.BytesOf));
    }

    private readonly CpuRowKernels _cpu = new();
    private RowCase _case = null!;

    [Params(256, 1024, 4096)]
    public int Rows { get; set; }

    [Params(16, 1152)]
    public int Width { get; set; }

    [GlobalSetup]
    public void Setup() => _case = new RowCase(Rows, Width);

    [Benchmark(Description = "Cpu gather")]
    public void Gather() => _cpu.GatherRows(_case.Full, _case.Indices, _case.Subset, _case.GatherShape);

    [Benchmark(Description = "Cpu scatter")]
    public void Scatter() => _cpu.ScatterRows(_case.Subset, _case.Indices, _case.Full, _case.ScatterShape);
}
