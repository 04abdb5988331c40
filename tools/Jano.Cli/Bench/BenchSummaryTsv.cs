using System.Globalization;

namespace Jano.Cli.Bench;

/// <summary>
/// One tab-separated line per method appended to a file, so that a script running many benchmarks
/// (tools/scaling-study.sh) collects a table without parsing JSON. The header is written once, when
/// the file is new.
/// </summary>
public static class BenchSummaryTsv
{
    public const string Header =
        "package\ttokens\tdepth\twidth\tsteps\tforced_active\tforced_medium\tmethod\tmedian_ms\tspeedup\tideal\tmeasured_over_ideal\tpsnr_mean\ttext_ms\tsessions_ms\tattention_ms\tanalysis_ms\trest_ms\trows_ms";

    public static void Append(string path, BenchReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        if (!File.Exists(path) || new FileInfo(path).Length == 0) lines.Add(Header);
        foreach (var m in r.Methods)
        {
            var b = m.Breakdown;
            lines.Add(string.Join('\t',
                r.PackageName, r.Tokens.ToString(inv), r.Depth.ToString(inv), r.Width.ToString(inv), r.Steps.ToString(inv),
                r.Forced?.Active.ToString(inv) ?? "-", r.Forced?.Medium.ToString(inv) ?? "-", m.Method,
                m.MedianWallMs.ToString("F1", inv), m.Speedup.ToString("F3", inv), m.IdealSpeedup.ToString("F3", inv),
                m.MeasuredOverIdeal.ToString("F3", inv), m.PsnrMean?.ToString("F2", inv) ?? "-",
                b.TextMs.ToString("F1", inv), b.SessionsMs.ToString("F1", inv), b.AttentionMs.ToString("F1", inv),
                b.AnalysisMs.ToString("F1", inv), b.RestMs.ToString("F1", inv), b.RowsMs.ToString("F1", inv)));
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.AppendAllLines(path, lines);
    }
}
