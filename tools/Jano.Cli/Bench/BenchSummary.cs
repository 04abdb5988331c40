using Jano.Runtime.Diagnostics;
using Jano.Runtime.Imaging;
using Jano.Core.Packages;

namespace Jano.Cli.Bench;

/// <summary>Turns the measured runs into per-method and per-image results (docs/BENCHMARKS.md).</summary>
public static class BenchSummary
{
    /// <summary>SSIM's 11×11 window needs images at least this wide; smaller ones get no SSIM.</summary>
    private const int SsimWindow = 11;

    public static BenchReport Create(BenchMeasurements m, BenchSettings settings, ModelPackage package, MachineInfo machine, DateTimeOffset date)
    {
        var manifest = package.Manifest;
        var steps = settings.Steps ?? manifest.Defaults.Steps;
        var images = settings.Methods.SelectMany(method => settings.Items.Select(item => Image(m, method.Label, item))).ToList();
        var denseMedian = WallClock.Median(Walls(m, BenchRunner.Dense));
        var methods = settings.Methods.Select(bench =>
        {
            var method = bench.Label;
            var runs = m.Runs.Where(r => r.Method == method).ToList();
            var mine = images.Where(i => i.Method == method).ToList();
            var median = WallClock.Median(runs.Select(r => r.WallMs));
            var speedup = denseMedian / median;
            var ideal = mine.Count / mine.Sum(i => 1 / i.IdealSpeedup);
            var psnr = mine.Where(i => i.Psnr is not null).Select(i => i.Psnr!.Value).ToList();
            var ssim = mine.Where(i => i.Ssim is not null).Select(i => i.Ssim!.Value).ToList();
            var reports = runs.Where(r => r.Repeat == 0 && r.Jano is not null).Select(r => r.Jano!).ToList();
            return new MethodResult
            {
                Method = method,
                Family = bench.Family,
                Setting = bench.Setting,
                Runs = runs.Count,
                MedianWallMs = median,
                MedianStepMs = median / steps,
                Speedup = speedup,
                PsnrMean = psnr.Count > 0 ? BenchStatistics.Mean(psnr) : null,
                PsnrMin = psnr.Count > 0 ? BenchStatistics.Min(psnr) : null,
                SsimMean = ssim.Count > 0 ? BenchStatistics.Mean(ssim) : null,
                SsimMin = ssim.Count > 0 ? BenchStatistics.Min(ssim) : null,
                IdealSpeedup = ideal,
                MeasuredOverIdeal = speedup / ideal,
                ActiveFraction = reports.Count > 0 ? reports.Average(r => r.ActiveFraction) : 1,
                MediumFraction = reports.Count > 0 ? reports.Average(r => r.MediumFraction) : 0,
                StaticFraction = reports.Count > 0 ? reports.Average(r => r.StaticFraction) : 0,
                Breakdown = TimeBreakdown.Mean(runs.Select(r => r.Breakdown).ToList()),
            };
        }).ToList();
        var front = BenchPareto.Front(methods.Select(r => r.Method == BenchRunner.Dense ? null : ((double, double)?)(r.Speedup, r.PsnrMean ?? double.NegativeInfinity)).ToList());
        methods = [.. methods.Select((r, i) => r with { OnParetoFront = front.Contains(i) })];
        return new BenchReport
        {
            Date = date,
            Machine = machine,
            Package = package.Folder,
            PackageName = manifest.Name,
            Tokens = manifest.Geometry.Tokens,
            Depth = manifest.Dims.Depth,
            Width = manifest.Dims.HiddenSize,
            Steps = steps,
            Guidance = settings.Guidance ?? manifest.Defaults.Guidance,
            Threads = settings.Threads,
            Attention = settings.Attention,
            Provider = settings.Provider,
            Buffers = settings.Buffers,
            DType = package.Manifest.DType,
            Prompts = settings.Items.Select(i => i.Prompt).Distinct().Count(),
            Seeds = settings.Items.Select(i => i.Seed).Distinct().Count(),
            WarmupRuns = settings.WarmupRuns,
            Repeats = settings.Repeats,
            Jano = settings.Jano,
            Forced = settings.Forced,
            Methods = methods,
            Images = images,
        };
    }

    private static IEnumerable<double> Walls(BenchMeasurements m, string method, BenchItem? item = null) =>
        m.Runs.Where(r => r.Method == method && (item is null || r.Item == item)).Select(r => r.WallMs);

    private static ImageResult Image(BenchMeasurements m, string method, BenchItem item)
    {
        var median = WallClock.Median(Walls(m, method, item));
        var denseMedian = WallClock.Median(Walls(m, BenchRunner.Dense, item));
        var run = m.Runs.First(r => r.Method == method && r.Item == item);
        var report = run.Jano;
        double? psnr = null, ssim = null;
        if (method != BenchRunner.Dense)
        {
            var image = m.Image(method, item);
            var dense = m.Image(BenchRunner.Dense, item);
            psnr = ImageMetrics.Psnr(image, dense);
            if (m.Height >= SsimWindow && m.Width >= SsimWindow) ssim = ImageMetrics.Ssim(image, dense, m.Channels, m.Height, m.Width);
        }
        return new ImageResult(method, item.Prompt, item.Seed, median, denseMedian / median, psnr, ssim,
            run.IdealSpeedup, report?.ActiveFraction ?? 1);
    }
}
