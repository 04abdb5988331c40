using System.Globalization;
using Jano.Runtime.Batch;

namespace Jano.Cli.Batch;

/// <summary>
/// `jano batch`'s progress on stderr: items done of the shard's, skipped and failed, images per minute and
/// the time left. Rate and ETA come from the time of the items generated in this run (skipped ones cost
/// nothing, so they do not dilute the rate). On a terminal the line is redrawn in place; in a log (a
/// Slurm or pod log) a line is written each time another percent is done, so 100,000 items make at most
/// 101 lines.
/// </summary>
public sealed class BatchProgressLine(TextWriter stderr, bool interactive) : IProgress<BatchProgress>
{
    private double _workedMs;
    private int _worked;
    private int _lastPercent = -1;

    public void Report(BatchProgress p)
    {
        // Items generated or failed in this run took time; skipped ones did not.
        if (p.Done - p.Skipped > _worked) { _worked = p.Done - p.Skipped; _workedMs += p.LastMs; }
        var percent = p.Total == 0 ? 100 : (int)(100L * p.Done / p.Total);
        if (!interactive && percent == _lastPercent && p.Done != p.Total) return;
        _lastPercent = percent;
        var line = Format(p, _worked, _workedMs);
        if (interactive)
        {
            stderr.Write("\r" + line);
            if (p.Done == p.Total) stderr.WriteLine();
        }
        else stderr.WriteLine(line);
    }

    /// <summary>
    /// One progress line: "batch [####......] 12/40 (3 skipped, 1 failed) 31.6 images/min, ETA 53s", from the
    /// <paramref name="worked"/> items this run generated or failed in <paramref name="workedMs"/>.
    /// </summary>
    public static string Format(BatchProgress p, int worked, double workedMs)
    {
        const int width = 20;
        var filled = p.Total == 0 ? width : (int)((long)p.Done * width / p.Total);
        var bar = new string('#', filled) + new string('.', width - filled);
        var text = string.Create(CultureInfo.InvariantCulture, $"batch [{bar}] {p.Done}/{p.Total}");
        if (p.Skipped > 0 || p.Failed > 0) text += string.Create(CultureInfo.InvariantCulture, $" ({p.Skipped} skipped, {p.Failed} failed)");
        if (worked == 0 || workedMs <= 0) return text;
        var msPerItem = workedMs / worked;
        var generated = p.Done - p.Skipped - p.Failed;
        var left = (p.Total - p.Done) * msPerItem;
        return text + string.Create(CultureInfo.InvariantCulture, $" {generated * 60_000 / workedMs:F1} images/min, ETA {Duration(left)}");
    }

    /// <summary>"45s", "12m05s", "3h07m": as precise as a person reading an ETA needs.</summary>
    public static string Duration(double ms)
    {
        var s = (long)Math.Round(ms / 1000);
        if (s < 60) return string.Create(CultureInfo.InvariantCulture, $"{s}s");
        if (s < 3600) return string.Create(CultureInfo.InvariantCulture, $"{s / 60}m{s % 60:00}s");
        return string.Create(CultureInfo.InvariantCulture, $"{s / 3600}h{s % 3600 / 60:00}m");
    }
}
