using BenchmarkDotNet.Attributes;
using Jano.Kernels;
using Jano.Kernels.Cpu;
using Jano.Runtime.Devices;
using Jano.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Bench.Kernels;

/// <summary>
/// Attention, n queries × N keys/values, at head sizes 32, 64 and 72: Jano.Kernels' CPU kernel against
/// ONNX Runtime's MultiHeadAttention (the yardstick, the baseline of each row pair). Heads are fixed at
/// 16, so D = 512, 1024 and 1152 (1152 = 16 × 72 is PixArt-α's width): realistic row widths, and the
/// achieved GFLOP/s hardly depends on the head count since heads are independent work items.
/// </summary>
[Config(typeof(Config))]
public class AttentionBenchmarks
{
    public const int Heads = 16;

    private sealed class Config : KernelBenchConfig
    {
        public Config() => AddColumn(new ThroughputColumn("GFLOP/s", "4·n·N·D FLOPs per call over the mean time",
            c => AttentionCase.FlopsOf(c, Heads)));
    }

    private AttentionInputs _inputs = null!;
    private CpuAttention _cpu = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private BoundRun _ort = null!;
    private readonly List<OrtValue> _values = [];

    public static IEnumerable<AttentionCase> Shapes => AttentionCase.Grid();

    [ParamsSource(nameof(Shapes))]
    public AttentionCase Shape { get; set; } = null!;

    [Params(32, 64, 72)]
    public int HeadDim { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var shape = AttentionShape.Create(1, Shape.Queries, Shape.Keys, Shape.Keys, Heads, HeadDim);
        _inputs = new AttentionInputs(shape);
        var threads = BenchThreads.Count;
        _cpu = new CpuAttention(threads);
        _session = MhaGraph.Open(Heads, HeadDim, threads);
        _runOptions = new RunOptions();
        var d = shape.ModelDim;
        OrtValue View(float[] data, int rows)
        {
            var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.AsMemory(), [1, rows, d]);
            _values.Add(value);
            return value;
        }
        _ort = new BoundRun(new HostStepDevice(), _session, _runOptions,
            [("query", View(_inputs.Q, Shape.Queries)), ("key", View(_inputs.K, Shape.Keys)), ("value", View(_inputs.V, Shape.Keys))],
            [("output", View(_inputs.O, Shape.Queries))]);
    }

    [Benchmark(Baseline = true, Description = "ORT MHA")]
    public void OrtMultiHeadAttention()
    {
        long ticks = 0;
        _ort.Run(ref ticks);
    }

    [Benchmark(Description = "Cpu")]
    public void CpuKernel() => _cpu.Attention(_inputs.Q, _inputs.K, _inputs.V, _inputs.O, _inputs.Shape);

    [GlobalCleanup]
    public void Cleanup()
    {
        _ort.Dispose();
        foreach (var v in _values) v.Dispose();
        _values.Clear();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
