using System.Diagnostics;
using System.Globalization;
using Jano.Kernels;
using Jano.Kernels.Cpu;
using Jano.Runtime.Devices;
using Jano.Runtime.Onnx;
using Jano.Core.Packages;
using Microsoft.ML.OnnxRuntime;
using Jano.Runtime.Diagnostics;

namespace Jano.Bench;

/// <summary>
/// Jano.Kernels' CPU attention against ONNX Runtime's MultiHeadAttention (the package's attention.onnx)
/// on the same buffers: n queries against N keys/values, runs interleaved, median of several.
/// </summary>
public static class AttentionComparison
{
    public static int Run(string packageFolder, int threads, int repeats, TextWriter output)
    {
        var package = ModelPackage.Open(packageFolder);
        var d = package.Manifest.Dims;
        using var options = new SessionOptions { IntraOpNumThreads = threads, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(package.PathOf(package.Manifest.Stages.Attention.File), options);
        using var runOptions = new RunOptions();
        using var device = new HostStepDevice(new CpuAttention(threads));
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"attention: heads {d.Heads} x {d.HeadDim}, threads {threads}, median of {repeats} interleaved runs");
        output.WriteLine("| queries n | keys N | kernel ms | ORT MHA ms | ORT / kernel |");
        output.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var (n, keys) in Shapes(package.Manifest.Geometry.Tokens))
        {
            using var q = device.Allocate(n, d.HiddenSize);
            using var k = device.Allocate(keys, d.HiddenSize);
            using var v = device.Allocate(keys, d.HiddenSize);
            using var o = device.Allocate(n, d.HiddenSize);
            var r = new Random(1);
            foreach (var b in new[] { q, k, v }) for (var i = 0; i < b.Length; i++) b.HostData![i] = (float)(r.NextDouble() * 2 - 1);
            var shape = AttentionShape.Create(1, n, keys, keys, d.Heads, d.HeadDim);
            using var bound = new BoundRun(device, session, runOptions, [("query", q.View(1, n)), ("key", k.View(1, keys)), ("value", v.View(1, keys))], [("output", o.View(1, n))]);
            long ignored = 0;
            void RunKernel() => device.Attention(q, k, v, o, shape);
            void RunOrt() => bound.Run(ref ignored);
            for (var w = 0; w < 3; w++) { RunKernel(); RunOrt(); }
            var kernelMs = new List<double>();
            var ortMs = new List<double>();
            for (var i = 0; i < repeats; i++)
            {
                kernelMs.Add(WallClock.Time(RunKernel));
                ortMs.Add(WallClock.Time(RunOrt));
            }
            double km = WallClock.Median(kernelMs), om = WallClock.Median(ortMs);
            output.WriteLine(string.Create(inv, $"| {n} | {keys} | {km:F3} | {om:F3} | {om / km:F2} |"));
        }
        return 0;
    }

    private static IEnumerable<(int, int)> Shapes(int tokens)
    {
        yield return (tokens, tokens);
        yield return (tokens / 2, tokens);
        yield return (tokens / 4, tokens);
    }
}
