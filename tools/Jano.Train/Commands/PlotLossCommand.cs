using System.Globalization;
using ScottPlot;

namespace Jano.Train.Commands;

/// <summary>
/// plot-loss --csv RUN/loss.csv --out loss.png [--name MODEL]: the model card's loss curve. A resumed run logs the steps
/// between its last checkpoint and the stop twice; the later line (the run that went on) wins.
/// </summary>
public static class PlotLossCommand
{
    public static int Run(string[] argv)
    {
        var a = new Args(argv);
        string csv = a.Required("csv"), output = a.Required("out");
        var name = a.String("name") ?? "fashion-dit";
        a.RejectUnknown();

        var byStep = new SortedDictionary<long, (double Loss, double Hours)>();
        foreach (var (line, number) in File.ReadLines(csv).Select((l, i) => (l, i + 1)).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 5 || !long.TryParse(f[0], CultureInfo.InvariantCulture, out var step)
                || !double.TryParse(f[1], CultureInfo.InvariantCulture, out var loss) || !double.TryParse(f[4], CultureInfo.InvariantCulture, out var seconds))
                throw new ArgumentException($"{csv}:{number}: expected step,loss,lr,samples_per_s,elapsed_s, got '{line}'");
            byStep[step] = (loss, seconds / 3600);
        }
        if (byStep.Count == 0) throw new ArgumentException($"{csv}: no loss lines");

        var plot = new Plot();
        var steps = byStep.Keys.Select(s => (double)s).ToArray();
        var line1 = plot.Add.ScatterLine(steps, byStep.Values.Select(v => v.Loss).ToArray());
        line1.LegendText = "training loss (mean over each 50 steps)";
        plot.Axes.Bottom.Label.Text = "step (batch 32)";
        plot.Axes.Left.Label.Text = "rectified-flow loss";
        plot.Axes.SetLimitsY(0, Math.Min(1.0, byStep.Values.Max(v => v.Loss)) * 1.05);
        var last = byStep.Last();
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"{name}: {last.Key} steps, {last.Value.Hours:F1} h of training, final loss {last.Value.Loss:F3}"));
        plot.ShowLegend(Alignment.UpperRight);
        var temp = output + ".tmp.png";
        plot.SavePng(temp, 800, 450);
        File.Move(temp, output, overwrite: true);
        Console.WriteLine($"wrote {output} ({byStep.Count} points)");
        return 0;
    }
}
