using ScottPlot;

namespace Jano.Cli.Bench;

/// <summary>
/// The plot of `jano bench`: speed-up over dense against PSNR against dense. One small point per
/// image and method, one large point per method (its median speed-up at its mean PSNR) and, hollow,
/// the method's ideal (FLOP) speed-up at the same PSNR; dense is the dashed line at 1x. PSNR of an
/// image identical to dense is infinite and is drawn at the right edge, as the legend says.
/// </summary>
public static class BenchPlot
{
    private static readonly Color[] Palette = [Colors.OrangeRed, Colors.SteelBlue, Colors.SeaGreen, Colors.MediumPurple];

    public static void Save(string path, BenchReport report, int width = 900, int height = 600)
    {
        var plot = new Plot();
        var others = report.Methods.Where(m => m.Method != BenchRunner.Dense).ToList();
        var finite = report.Images.Where(i => i.Psnr is { } p && double.IsFinite(p)).Select(i => i.Psnr!.Value).ToList();
        // Where +∞ goes: a little right of the largest finite PSNR.
        var infinity = Math.Ceiling((finite.Count > 0 ? finite.Max() : 40) + 5);
        double X(double? psnr) => psnr is { } p && double.IsFinite(p) ? p : infinity;
        var anyInfinite = false;

        for (var k = 0; k < others.Count; k++)
        {
            var m = others[k];
            var color = Palette[k % Palette.Length];
            var images = report.Images.Where(i => i.Method == m.Method).ToList();
            anyInfinite |= images.Any(i => i.Psnr is double.PositiveInfinity);
            var perImage = plot.Add.ScatterPoints(images.Select(i => X(i.Psnr)).ToArray(), images.Select(i => i.Speedup).ToArray(), color.WithAlpha(0.45));
            perImage.MarkerSize = 6;
            perImage.LegendText = $"{m.Method}: per image";

            var x = X(m.PsnrMean);
            var measured = plot.Add.Marker(x, m.Speedup, MarkerShape.FilledCircle, 16, color);
            measured.LegendText = $"{m.Method}: median speed-up {m.Speedup:F2}x";
            var ideal = plot.Add.Marker(x, m.IdealSpeedup, MarkerShape.OpenCircle, 16, color);
            ideal.LegendText = $"{m.Method}: ideal (FLOPs) {m.IdealSpeedup:F2}x";
        }

        var dense = plot.Add.HorizontalLine(1.0, 1.5f, Colors.Gray, LinePattern.Dashed);
        dense.LegendText = "dense (1x)";
        plot.Title($"{report.PackageName}: {report.Tokens} tokens, {report.Steps} steps, {report.Prompts}×{report.Seeds} images");
        plot.XLabel(anyInfinite ? $"PSNR against dense (dB; identical images drawn at {infinity:F0})" : "PSNR against dense (dB)");
        plot.YLabel("speed-up over dense (wall time)");
        plot.ShowLegend(Alignment.LowerLeft);
        plot.Axes.Margins(0.15, 0.15);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        plot.SavePng(path, width, height);
    }
}
