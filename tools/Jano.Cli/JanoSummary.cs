using System.Globalization;
using Jano.Runtime.Imaging;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;

namespace Jano.Cli;

/// <summary>The per-image Jano report: token fractions per level, the level of every step, speed-ups.</summary>
public static class JanoSummary
{
    public static void Print(TextWriter w, long seed, JanoReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(inv, $"jano seed {seed}: tokens active {100 * r.ActiveFraction:F1}%, medium {100 * r.MediumFraction:F1}%, static {100 * r.StaticFraction:F1}% (analysis {r.AnalysisMs:F1} ms)"));
        w.WriteLine($"jano steps (F full, M medium, A active): {JanoSchedule.Describe(r.Levels)}");
        w.WriteLine($"jano tokens per step: {string.Join(' ', r.TokensPerStep)}");
        w.WriteLine(string.Create(inv, $"jano speed-up: ideal (FLOPs) {r.IdealSpeedup:F2}x, measured {r.EstimatedSpeedup:F2}x (estimated from this run's full steps; --compare-dense measures it)"));
    }

    /// <summary>A method without Jano's schedule: what its steps did and its ideal speed-up.</summary>
    public static void PrintMethod(TextWriter w, long seed, AccelerationReport r)
    {
        var kinds = string.Concat(r.Plans.Select(p => p.Kind switch
        {
            Jano.Runtime.Acceleration.StepKind.Compute => p.Tokens == 0 ? 'C' : 'P',
            Jano.Runtime.Acceleration.StepKind.ReuseBlocks => 'R',
            _ => 'F',
        }));
        var full = r.Plans.Length > 0 ? r.Plans.Max(p => p.Tokens) : 0;
        if (r.Plans.All(p => p.Kind != Jano.Runtime.Acceleration.StepKind.Compute || p.Tokens == full)) kinds = kinds.Replace('P', 'C');
        w.WriteLine($"{r.Method} seed {seed}: steps (C computed, P part of the tokens, R blocks reused, F forecast): {kinds}");
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Method} speed-up: ideal (FLOPs) {r.IdealSpeedup:F2}x against dense at {r.DenseSteps} steps"));
    }

    public static void PrintComparison(TextWriter w, GenerationResult jano, GenerationResult dense)
    {
        var janoMs = jano.StepMs.Sum();
        var denseMs = dense.StepMs.Sum();
        var psnr = ImageMetrics.Psnr(jano.Image, dense.Image);
        var ideal = jano.Acceleration?.IdealSpeedup ?? jano.Jano!.IdealSpeedup;
        var ssim = jano.Height >= 11 && jano.Width >= 11 ? ImageMetrics.Ssim(jano.Image, dense.Image, jano.Channels, jano.Height, jano.Width) : double.NaN;
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{jano.Acceleration?.Method ?? "jano"} vs dense: {janoMs:F0} ms vs {denseMs:F0} ms, measured speed-up {denseMs / janoMs:F2}x (ideal {ideal:F2}x, measured/ideal {denseMs / janoMs / ideal:F2}), PSNR {psnr:F2} dB, SSIM {ssim:F4}"));
    }
}
