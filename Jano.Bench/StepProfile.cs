using System.Globalization;
using Jano.Runtime;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Diagnostics;

namespace Jano.Bench;

/// <summary>
/// Dense denoising step time and managed allocations per step for each attention backend, on one
/// package, runs interleaved after warm-up (median of several generations).
/// </summary>
public static class StepProfile
{
    public static int Run(string package, int threads, int steps, int repeats, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        var backends = new[] { "kernel", "ort" };
        var pipelines = backends.Select(b => TextToImagePipeline.Open(package, new RuntimeOptions { Threads = threads, Attention = b })).ToArray();
        try
        {
            var request = new GenerationRequest { Prompt = "an ankle boot", Seed = 1, Steps = steps, Guidance = 4.5 };
            foreach (var p in pipelines) { p.Generate(request); p.Generate(request); }
            var stepMs = backends.Select(_ => new List<double>()).ToArray();
            var attentionMs = backends.Select(_ => new List<double>()).ToArray();
            var allocated = backends.Select(_ => new List<double>()).ToArray();
            for (var r = 0; r < repeats; r++)
                for (var b = 0; b < backends.Length; b++)
                {
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    var result = pipelines[b].Generate(request with { Seed = r });
                    var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
                    stepMs[b].Add(result.Timings.TotalMs / steps);
                    attentionMs[b].Add(result.Timings.AttentionMs / steps);
                    allocated[b].Add((double)bytes / steps);
                }
            var d = pipelines[0].Package.Manifest.Dims;
            output.WriteLine($"dense step, {d.Depth} blocks x width {d.HiddenSize}, {pipelines[0].Package.Manifest.Geometry.Tokens} tokens, guidance (2 branches), {threads} threads, median of {repeats}");
            output.WriteLine("| attention | ms/step | attention ms/step | bytes allocated/step (incl. per-image setup) |");
            output.WriteLine("|---|---:|---:|---:|");
            for (var b = 0; b < backends.Length; b++)
                output.WriteLine(string.Create(inv, $"| {backends[b]} | {WallClock.Median(stepMs[b]):F2} | {WallClock.Median(attentionMs[b]):F2} | {WallClock.Median(allocated[b]):F0} |"));
            return 0;
        }
        finally
        {
            foreach (var p in pipelines) p.Dispose();
        }
    }
}
