using Jano.Runtime.Pipeline;

namespace Jano.Cli.Bench;

/// <summary>
/// Where one generation's wall time went, in ms, parts adding up to the wall time: text (prompt
/// encoding and the caption's cross-attention K/V; near 0 in `jano bench`, which loads the caption
/// before the clock starts), ONNX Runtime sessions (the transformer's graphs, without attention), self-attention
/// (kernel or ONNX Runtime MultiHeadAttention), Jano's analysis, token rows (patch gather, K/V and
/// output scatter into the persistent buffers, reordering), and the rest (guidance, sampler,
/// unpatchify, set-up: what the runtime does not time separately).
/// </summary>
public sealed record TimeBreakdown(double TextMs, double SessionsMs, double AttentionMs, double AnalysisMs, double RestMs, double RowsMs = 0)
{
    public double TotalMs => TextMs + SessionsMs + AttentionMs + AnalysisMs + RowsMs + RestMs;

    /// <param name="attentionInSessions">
    /// True when attention runs as an ONNX Runtime session: its time is then inside the engine's session
    /// time too and is taken out of it here, so that no time counts twice.
    /// </param>
    public static TimeBreakdown Of(GenerationResult result, double wallMs, bool attentionInSessions)
    {
        var attention = result.Timings.AttentionMs;
        var sessions = result.Timings.SessionMs - (attentionInSessions ? attention : 0);
        var analysis = result.Jano?.AnalysisMs ?? 0;
        var rows = result.Timings.RowsMs;
        return new TimeBreakdown(result.TextMs, sessions, attention, analysis, wallMs - result.TextMs - sessions - attention - analysis - rows, rows);
    }

    /// <summary>The part-by-part mean of several breakdowns (means, so the parts still add up).</summary>
    public static TimeBreakdown Mean(IReadOnlyCollection<TimeBreakdown> all) => new(
        all.Average(b => b.TextMs), all.Average(b => b.SessionsMs), all.Average(b => b.AttentionMs),
        all.Average(b => b.AnalysisMs), all.Average(b => b.RestMs), all.Average(b => b.RowsMs));
}
