using BenchmarkDotNet.Attributes;
using ILGPU;
using ILGPU.Runtime;
using Jano.Kernels;
using Jano.Kernels.Ilgpu;

namespace Jano.Bench.Kernels;

/// <summary>
/// The ILGPU attention kernel on a CUDA GPU, same grid and head count as <see cref="AttentionBenchmarks"/>,
/// through the device-level entry point (inputs stay on the device; each call waits for the kernel).
/// Listed by the `kernels` mode only where ILGPU finds a CUDA device.
/// </summary>
[Config(typeof(Config))]
public class IlgpuCudaAttentionBenchmarks
{
    private sealed class Config : KernelBenchConfig
    {
        public Config() => AddColumn(new ThroughputColumn("GFLOP/s", "4·n·N·D FLOPs per call over the mean time",
            c => AttentionCase.FlopsOf(c, AttentionBenchmarks.Heads)));
    }

    private IlgpuKernels _kernels = null!;
    private MemoryBuffer1D<float, Stride1D.Dense> _q = null!, _k = null!, _v = null!, _o = null!;
    private AttentionShape _shape;

    public static IEnumerable<AttentionCase> Shapes => AttentionCase.Grid();

    [ParamsSource(nameof(Shapes))]
    public AttentionCase Shape { get; set; } = null!;

    [Params(32, 64, 72)]
    public int HeadDim { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _kernels = IlgpuKernels.TryCreateCuda(out var reason) ?? throw new InvalidOperationException(reason);
        _shape = AttentionShape.Create(1, Shape.Queries, Shape.Keys, Shape.Keys, AttentionBenchmarks.Heads, HeadDim);
        var inputs = new AttentionInputs(_shape);
        var accelerator = _kernels.Accelerator;
        _q = accelerator.Allocate1D(inputs.Q);
        _k = accelerator.Allocate1D(inputs.K);
        _v = accelerator.Allocate1D(inputs.V);
        _o = accelerator.Allocate1D<float>(inputs.O.Length);
    }

    [Benchmark(Description = "ILGPU CUDA")]
    public void Attention()
    {
        _kernels.Attention(_q.View, _k.View, _v.View, _o.View, _shape);
        _kernels.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var b in new[] { _q, _k, _v, _o }) b.Dispose();
        _kernels.Dispose();
    }

    /// <summary>Whether this machine can run the suite (a CUDA device that ILGPU can open).</summary>
    public static bool Available(out string? reason)
    {
        using var kernels = IlgpuKernels.TryCreateCuda(out reason);
        return kernels is not null;
    }
}
