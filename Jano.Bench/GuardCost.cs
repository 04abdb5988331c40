using System.Globalization;
using Jano.Runtime;
using Jano.Runtime.Diagnostics;
using Jano.Runtime.Pipeline;

namespace Jano.Bench;

/// <summary>
/// What the non-finite latent guard (<see cref="LatentGuard"/>) costs: the package's default request
/// (its default Jano preset, as `jano generate` runs it) with the guard on and off, in one process on one
/// pipeline, runs interleaved after warm-up; the median step time of each and their ratio, and whether
/// the images are bit-identical (the guard reads the latents, it never changes them).
/// </summary>
public static class GuardCost
{
    public static int Run(string package, int threads, int repeats, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        using var pipeline = TextToImagePipeline.Open(package, new RuntimeOptions { Threads = threads });
        var m = pipeline.Package.Manifest;
        var jano = m.DefaultJanoPreset is { } name ? m.JanoPresets![name] : null;
        var request = new GenerationRequest { Prompt = "an ankle boot", Seed = 1, Jano = jano, FallBackToDense = true };
        var on = request with { CheckLatents = true };
        var off = request with { CheckLatents = false };
        pipeline.Generate(on);
        pipeline.Generate(off);
        var stepMs = new[] { new List<double>(), new List<double>() };
        var identical = true;
        for (var r = 0; r < repeats; r++)
        {
            var seed = r + 1;
            // Alternate which goes first, so that drift in the machine's load falls on both sides.
            var order = r % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 };
            var images = new float[2][];
            foreach (var k in order)
            {
                var result = pipeline.Generate((k == 0 ? on : off) with { Seed = seed });
                stepMs[k].Add(result.StepMs.Average()); // per generation: Jano's steps differ in cost, a median over steps mixes kinds
                images[k] = result.Image;
            }
            identical &= images[0].AsSpan().SequenceEqual(images[1]);
        }
        double medianOn = WallClock.Median(stepMs[0]), medianOff = WallClock.Median(stepMs[1]);
        var guardUs = GuardMicroseconds(m.Geometry.LatentValues);
        output.WriteLine(string.Create(inv, $"latent guard on {m.Name}: {m.Defaults.Steps} steps, {(jano is null ? "dense" : $"Jano preset {m.DefaultJanoPreset}")}, {threads} threads, {repeats} generations per side, interleaved"));
        output.WriteLine("| guard | median of the generations' mean ms/step | generations |");
        output.WriteLine("|---|---:|---:|");
        output.WriteLine(string.Create(inv, $"| on | {medianOn:F3} | {stepMs[0].Count} |"));
        output.WriteLine(string.Create(inv, $"| off | {medianOff:F3} | {stepMs[1].Count} |"));
        output.WriteLine(string.Create(inv, $"on / off = {medianOn / medianOff:F4}; images bit-identical: {(identical ? "yes" : "NO")}"));
        output.WriteLine(string.Create(inv, $"the check alone: {guardUs:F3} µs per step over {m.Geometry.LatentValues} latent values ({100 * guardUs / 1000 / medianOff:F4}% of a step)"));
        return identical ? 0 : 1;
    }

    /// <summary>The check by itself on finite latents of this size (the case of every step), mean of many calls.</summary>
    private static double GuardMicroseconds(int values)
    {
        var latents = new float[values];
        for (var i = 0; i < values; i++) latents[i] = MathF.Sin(i);
        const int calls = 100_000;
        for (var i = 0; i < 1000; i++) LatentGuard.AfterStep(latents, latents, 1, 1, 0);
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++) LatentGuard.AfterStep(latents, latents, 1, 1, 0);
        return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
    }
}
