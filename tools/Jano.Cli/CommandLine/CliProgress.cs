using System.Diagnostics;
using System.Globalization;

namespace Jano.Cli.CommandLine;

/// <summary>
/// Progress of long work on stderr: on a terminal, one bar redrawn in place with the count, the rate and an
/// ETA; when stderr is redirected (logs, CI, batch schedulers), a plain line at most every
/// <see cref="PlainInterval"/> and at the end, so logs stay readable and short. Hand-written rather than
/// Spectre.Console: Spectre's live progress owns the whole console and prints nothing useful when
/// redirected, and our commands write results to stdout while progress goes to a given stderr writer.
/// </summary>
public sealed class CliProgress
{
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);
    private const int Width = 28;

    private readonly TextWriter _stderr;
    private readonly bool _interactive;
    private readonly string _label;
    private readonly string _unit;
    private readonly Func<TimeSpan> _clock;
    private TimeSpan? _lastPlain;

    /// <param name="clock">Elapsed time since the work began (tests pass their own).</param>
    public CliProgress(TextWriter stderr, bool interactive, string label, string unit, Func<TimeSpan>? clock = null)
    {
        _stderr = stderr;
        _interactive = interactive;
        _label = label;
        _unit = unit;
        if (clock is null)
        {
            var start = Stopwatch.GetTimestamp();
            clock = () => Stopwatch.GetElapsedTime(start);
        }
        _clock = clock;
    }

    /// <summary>For the command's own stderr: interactive only when it is the real, unredirected console.</summary>
    public static CliProgress For(TextWriter stderr, string label, string unit) =>
        new(stderr, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected, label, unit);

    public void Report(int done, int total, string? detail = null)
    {
        var elapsed = _clock();
        var line = Line(done, total, elapsed, detail);
        if (_interactive)
        {
            _stderr.Write($"\r{line}   ");
            if (done >= total) _stderr.WriteLine();
            return;
        }
        if (done < total && _lastPlain is { } last && elapsed - last < PlainInterval) return;
        _lastPlain = elapsed;
        _stderr.WriteLine(line);
    }

    /// <summary>"label [#####.....] 3/10 images, 2.1 images/min, ETA 0:03:20 (detail)".</summary>
    public string Line(int done, int total, TimeSpan elapsed, string? detail)
    {
        var inv = CultureInfo.InvariantCulture;
        var filled = total <= 0 ? Width : Math.Clamp(done * Width / total, 0, Width);
        var bar = _interactive ? $" [{new string('#', filled)}{new string('.', Width - filled)}]" : "";
        var rate = done > 0 && elapsed > TimeSpan.Zero ? done / elapsed.TotalMinutes : 0;
        var eta = done >= total ? $"done in {Clock(elapsed)}"
            : done > 0 ? $"ETA {Clock(TimeSpan.FromTicks(elapsed.Ticks / done * (total - done)))}" : "ETA unknown";
        var rateText = done > 0 ? string.Create(inv, $", {rate:0.#} {_unit}/min") : "";
        return $"{_label}{bar} {done}/{total} {_unit}{rateText}, {eta}{(detail is null ? "" : $" ({detail})")}";
    }

    private static string Clock(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
