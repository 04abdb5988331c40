using System.Globalization;
using System.Text;

namespace Jano.Cli.Bench;

/// <summary>The Markdown report of `jano bench`: set-up, the method table, the time breakdown, and per-image results.</summary>
public static class BenchMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(BenchReport r)
    {
        var s = new StringBuilder();
        s.AppendLine($"# jano bench: {r.PackageName}");
        s.AppendLine();
        s.AppendLine(Setup(r));
        s.AppendLine();
        s.Append(Tables(r));
        s.AppendLine();
        s.AppendLine("## Per image");
        s.AppendLine();
        s.AppendLine("| method | prompt | seed | median ms | speed-up | PSNR dB | SSIM | ideal speed-up | active |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var i in r.Images)
            s.AppendLine(string.Create(Inv,
                $"| {i.Method} | {i.Prompt} | {i.Seed} | {i.MedianWallMs:F1} | {i.Speedup:F2}x | {Db(i.Psnr)} | {Ratio(i.Ssim)} | {i.IdealSpeedup:F2}x | {100 * i.ActiveFraction:F1}% |"));
        return s.ToString();
    }

    /// <summary>The set-up in a few lines: what was run where, when, and how many times.</summary>
    public static string Setup(BenchReport r)
    {
        var forced = r.Forced is { } f
            ? string.Create(Inv, $"; mask forced to {100 * f.Active:F0}% active, {100 * f.Medium:F0}% medium tokens (benchmark option, no analysis)")
            : "";
        var j = r.Jano;
        return string.Join(Environment.NewLine,
            $"- date: {r.Date.ToUniversalTime():yyyy-MM-dd HH:mm} UTC",
            $"- machine: {r.Machine}",
            $"- package: {r.Package} ({r.Depth} blocks × width {r.Width}, {r.Tokens} tokens, {r.DType})",
            string.Create(Inv, $"- generation: {r.Steps} steps, guidance {r.Guidance}, threads {(r.Threads == 0 ? "all" : r.Threads.ToString(Inv))}, provider {r.Provider}, attention {r.Attention}, buffers: {r.Buffers}"),
            string.Create(Inv, $"- jano: warm-up {j.Warmup}, cool-down {j.Cooldown}, blocks {j.BlockHeight}×{j.BlockWidth}, thresholds {j.StaticThreshold}/{j.MediumThreshold}, intervals {j.StaticInterval}/{j.MediumInterval}{forced}"),
            $"- set: {Count(r.Prompts, "prompt")} × {Count(r.Seeds, "seed")}; {Count(r.WarmupRuns, "warm-up run")} per method, then {Count(r.Repeats, "interleaved repeat")}; times are medians of wall time per image",
            $"- methods: {Count(r.Methods.Count - 1, "method setting")} against dense{(r.Sweep ? " (--sweep)" : "")}; ★ marks the Pareto front (no other setting both faster and closer to dense)"
                + string.Concat(r.Notes.Select(n => $"{Environment.NewLine}- note: {n}")));
    }

    /// <summary>The method table and the breakdown of where the time goes (what the command prints).</summary>
    public static string Tables(BenchReport r)
    {
        var s = new StringBuilder();
        s.AppendLine("| method | images | median ms/image | ms/step | speed-up | PSNR dB mean (min) | SSIM mean (min) | ideal speed-up | measured ÷ ideal | tokens active / medium / static | front |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|");
        foreach (var m in r.Methods)
            s.AppendLine(string.Create(Inv,
                $"| {m.Method} | {m.Runs} | {m.MedianWallMs:F1} | {m.MedianStepMs:F2} | {m.Speedup:F2}x | {Db(m.PsnrMean)} ({Db(m.PsnrMin)}) | {Ratio(m.SsimMean)} ({Ratio(m.SsimMin)}) | {m.IdealSpeedup:F2}x | {m.MeasuredOverIdeal:F2} | {Levels(m)} | {(m.OnParetoFront ? "★" : "")} |"));
        s.AppendLine();
        s.AppendLine("Where the time goes (mean ms per image; token rows = patch gather, K/V and output scatter, reordering; rest = guidance, sampler, unpatchify, set-up):");
        s.AppendLine();
        s.AppendLine("| method | text (encoder, caption K/V) | ONNX Runtime sessions | attention | analysis | token rows | rest | total |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in r.Methods)
        {
            var b = m.Breakdown;
            s.AppendLine(string.Create(Inv,
                $"| {m.Method} | {Part(b.TextMs, b)} | {Part(b.SessionsMs, b)} | {Part(b.AttentionMs, b)} | {Part(b.AnalysisMs, b)} | {Part(b.RowsMs, b)} | {Part(b.RestMs, b)} | {b.TotalMs:F1} |"));
        }
        return s.ToString();
    }

    /// <summary>Jano's token levels; methods without Jano's schedule have none to show.</summary>
    private static string Levels(MethodResult m) => m.Family.StartsWith("jano", StringComparison.Ordinal)
        ? string.Create(Inv, $"{100 * m.ActiveFraction:F1}% / {100 * m.MediumFraction:F1}% / {100 * m.StaticFraction:F1}%")
        : "–";

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    private static string Part(double ms, TimeBreakdown b) =>
        string.Create(Inv, $"{ms:F1} ({(b.TotalMs > 0 ? 100 * ms / b.TotalMs : 0):F0}%)");

    private static string Db(double? v) => v switch
    {
        null => "–",
        double.PositiveInfinity => "∞",
        _ => v.Value.ToString("F2", Inv),
    };

    private static string Ratio(double? v) => v is null ? "–" : v.Value.ToString("F4", Inv);
}
