using System.Globalization;
using System.Text;

namespace Jano.LoadTest;

/// <summary>
/// A load test's result: requests by outcome, throughput over the whole run (the last requests finished
/// included), and latency percentiles of the accepted requests by the nearest-rank method.
/// </summary>
public sealed record LoadReport(LoadSettings Settings, IReadOnlyList<RequestOutcome> Outcomes, TimeSpan Elapsed)
{
    public int Sent => Outcomes.Count;
    public int Accepted => Count(OutcomeKind.Accepted);
    public int Rejected => Count(OutcomeKind.Rejected);
    public int ClientErrors => Count(OutcomeKind.ClientError);
    public int ServerErrors => Count(OutcomeKind.ServerError);
    public int Lost => Count(OutcomeKind.Lost);
    public int Images => Outcomes.Sum(o => o.Kind == OutcomeKind.Accepted ? o.Images : 0);
    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? Images / Elapsed.TotalSeconds : 0;

    private int Count(OutcomeKind kind) => Outcomes.Count(o => o.Kind == kind);

    /// <summary>The p-th percentile (0 &lt; p ≤ 100) of accepted latencies: the smallest value with at least p% of them at or below it; NaN when none.</summary>
    public double Percentile(double p)
    {
        if (p is <= 0 or > 100) throw new ArgumentOutOfRangeException(nameof(p), p, "a percentile is in (0, 100]");
        var sorted = Outcomes.Where(o => o.Kind == OutcomeKind.Accepted).Select(o => o.LatencyMs).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Max(rank, 1) - 1];
    }

    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(string.Create(inv, $"{Settings.Clients} clients for {Settings.Duration.TotalSeconds:F0} s against {Settings.Server} (ran {Elapsed.TotalSeconds:F1} s)"));
        s.AppendLine(string.Create(inv, $"requests {Sent}: accepted {Accepted}, 429 {Rejected}, other 4xx {ClientErrors}, 5xx {ServerErrors}, lost {Lost}"));
        s.AppendLine(string.Create(inv, $"images {Images}: {ImagesPerSecond:F3} images/s"));
        s.AppendLine(string.Create(inv, $"latency of accepted requests (ms): p50 {Percentile(50):F0}, p95 {Percentile(95):F0}, p99 {Percentile(99):F0}, max {Max():F0}"));
        foreach (var detail in Outcomes.Where(o => o.Detail is not null).Select(o => $"{o.Kind}: {o.Detail}").Distinct().Take(5))
            s.AppendLine("  " + detail);
        return s.ToString();
    }

    private double Max() => Accepted == 0 ? double.NaN : Outcomes.Where(o => o.Kind == OutcomeKind.Accepted).Max(o => o.LatencyMs);
}
