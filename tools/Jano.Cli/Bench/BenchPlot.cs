using ScottPlot;

namespace Jano.Cli.Bench;

/// <summary>
/// The Pareto plot of `jano bench`: measured speed-up over dense (x) against mean PSNR against dense (y),
/// one point per method and setting, the settings of one method joined into a curve (in the order of their
/// ideal speed-up, i.e. of the knob, so timing noise does not tangle it), the
/// Pareto front (no point both faster and closer to dense) as a dashed black line through its points.
/// The Jano family is drawn with filled circles, baselines with other markers. A mean PSNR of +∞ (every
/// image identical to dense) is drawn at the top edge, as the axis label says.
/// </summary>
public static class BenchPlot
{
    private static readonly Color[] Palette =
    [
        Colors.Gray, Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.MediumPurple, Colors.Sienna,
        Colors.Crimson, Colors.DeepPink, Colors.Teal, Colors.Olive,
    ];

    private static readonly MarkerShape[] BaselineMarkers = [MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown, MarkerShape.Cross];

    public static void Save(string path, BenchReport report, int width = 1100, int height = 750)
    {
        var plot = new Plot();
        var others = report.Methods.Where(m => m.Method != BenchRunner.Dense && m.PsnrMean is not null).ToList();
        var finite = others.Select(m => m.PsnrMean!.Value).Where(double.IsFinite).ToList();
        var top = Math.Ceiling((finite.Count > 0 ? finite.Max() : 40) + 3); // where +∞ goes
        double Y(MethodResult m) => double.IsFinite(m.PsnrMean!.Value) ? m.PsnrMean.Value : top;
        var anyInfinite = others.Any(m => !double.IsFinite(m.PsnrMean!.Value));

        var families = others.Select(m => m.Family).Distinct().ToList();
        var baseline = 0;
        for (var k = 0; k < families.Count; k++)
        {
            var points = others.Where(m => m.Family == families[k]).OrderBy(m => m.IdealSpeedup).ThenBy(m => m.Speedup).ToList(); // the knob's order, not the timing noise's
            var jano = families[k].StartsWith("jano", StringComparison.Ordinal);
            var curve = plot.Add.Scatter(points.Select(m => m.Speedup).ToArray(), points.Select(Y).ToArray(), Palette[(k + 1) % Palette.Length]);
            curve.LegendText = families[k];
            curve.MarkerShape = jano ? MarkerShape.FilledCircle : BaselineMarkers[baseline++ % BaselineMarkers.Length];
            curve.MarkerSize = jano ? 11 : 9;
            curve.LineWidth = jano ? 2.5f : 1.5f;
            foreach (var m in points.Where(m => m.Setting.Length > 0))
            {
                var label = plot.Add.Text(m.Setting, m.Speedup, Y(m));
                label.LabelFontSize = 9;
                label.LabelFontColor = Palette[(k + 1) % Palette.Length].Darken(0.3);
                label.LabelOffsetX = 6;
                label.LabelOffsetY = -4;
            }
        }

        var front = others.Where(m => m.OnParetoFront).OrderBy(m => m.Speedup).ToList();
        if (front.Count > 0)
        {
            var line = plot.Add.Scatter(front.Select(m => m.Speedup).ToArray(), front.Select(Y).ToArray(), Colors.Black);
            line.LinePattern = LinePattern.Dashed;
            line.LineWidth = 1.5f;
            line.MarkerShape = MarkerShape.OpenCircle;
            line.MarkerSize = 18;
            line.LegendText = "Pareto front";
        }
        var dense = plot.Add.VerticalLine(1.0, 1.5f, Colors.Gray, LinePattern.Dotted);
        dense.LegendText = "dense (1x)";

        plot.Title($"{report.PackageName}: {report.Tokens} tokens, {report.Steps} steps, {report.Prompts}×{report.Seeds} images");
        plot.XLabel("measured speed-up over dense (median wall time per image)");
        plot.YLabel(anyInfinite ? $"mean PSNR against dense (dB; identical to dense drawn at {top:F0})" : "mean PSNR against dense (dB)");
        plot.ShowLegend(Alignment.UpperRight); // fast and as good as dense: the corner no method reaches
        plot.Axes.Margins(0.08, 0.1);
        var png = plot.GetImageBytes(width, height, ImageFormat.Png);
        Jano.Core.IO.AtomicFile.Write(path, s => s.Write(png));
    }
}
