using System.Text.Json;
using Jano.Cli;
using Jano.Tests.Export;

namespace Jano.Tests.Cli;

/// <summary>`jano bench` end to end on a tiny random package: the files it writes and what they say. No timings are asserted.</summary>
[TestFixture]
public sealed class BenchCommandTests
{
    private TinyPixArt _model = null!;
    private string _prompts = null!;

    [OneTimeSetUp]
    public void Export()
    {
        // 16×16 latents: 64 tokens, and large enough for SSIM's 11×11 window.
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 16, patch: 2, inChannels: 1, outChannels: 1, caption: 384);
        _model.Export();
        _prompts = Path.Combine(_model.Folder, "prompts.txt");
        File.WriteAllText(_prompts, "# two prompts keep the test short\na sneaker\n\na coat\n");
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    private string Out(string name) => Path.Combine(_model.Folder, name);

    /// <summary>Dense against Jano unless the test names other methods.</summary>
    private (int Code, string Out, string Err) Bench(string output, params string[] extra) =>
        CliRunner.Run(["bench", "--package", _model.Package, "--prompts-file", _prompts, "--seeds", "1", "--repeats", "1",
            "--warmup-runs", "1", "--steps", "5", "--warmup", "2", "--cooldown", "1", "--threads", "1", "--out", output,
            .. extra.Contains("--methods") ? Array.Empty<string>() : ["--methods", "jano"], .. extra]);

    private static JsonElement Method(JsonDocument json, string name) =>
        json.RootElement.GetProperty("methods").EnumerateArray().Single(m => m.GetProperty("method").GetString() == name);

    [Test]
    public void ASummaryPathThatIsAFolderFailsBeforeTheBenchmarkRuns()
    {
        var output = Out("summary-folder-results");
        var folder = Directory.CreateDirectory(Out("summary-is-a-folder")).FullName;
        var r = Bench(output, "--summary", folder);
        Assert.That(r.Code, Is.EqualTo(1), r.Err);
        var lines = r.Err.Split('\n').Where(l => l.StartsWith("jano ", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.Contain($"{folder}: --summary names a folder"));
        Assert.That(File.Exists(Path.Combine(output, BenchCommand.ReportName)) || File.Exists(Path.Combine(output, BenchCommand.JsonName)), Is.False, "no report written");
        Assert.That(Directory.EnumerateFileSystemEntries(folder), Is.Empty);
    }

    [Test]
    public void WritesReportJsonAndPlot()
    {
        var output = Out("analysed");
        var r = Bench(output);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("| dense |").And.Contain("| jano |").And.Contain("measured ÷ ideal").And.Contain("ONNX Runtime sessions"));

        var markdown = File.ReadAllText(Path.Combine(output, BenchCommand.ReportName));
        Assert.That(markdown, Does.Contain("# jano bench").And.Contain("## Per image").And.Contain("a sneaker").And.Contain("a coat"));

        using var plot = SixLabors.ImageSharp.Image.Load(Path.Combine(output, BenchCommand.PlotName));
        Assert.That(plot.Width, Is.GreaterThan(300), "a real PNG of a plot");

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, BenchCommand.JsonName)));
        var dense = Method(json, "dense");
        Assert.That(dense.TryGetProperty("psnrMean", out _), Is.False, "dense against itself has no PSNR");
        Assert.That(dense.GetProperty("speedup").GetDouble(), Is.EqualTo(1.0));
        Assert.That(dense.GetProperty("runs").GetInt32(), Is.EqualTo(2));
        var jano = Method(json, "jano");
        Assert.That(jano.TryGetProperty("psnrMean", out _), Is.True);
        Assert.That(jano.TryGetProperty("ssimMean", out _), Is.True);
        Assert.That(jano.GetProperty("idealSpeedup").GetDouble(), Is.GreaterThanOrEqualTo(1.0));
        // The parts are disjoint stretches of the wall time, so none is negative (no value is asserted).
        var b = jano.GetProperty("breakdown");
        foreach (var part in new[] { "textMs", "sessionsMs", "attentionMs", "analysisMs", "restMs" })
            Assert.That(b.GetProperty(part).GetDouble(), Is.GreaterThanOrEqualTo(0), part);
        Assert.That(b.GetProperty("sessionsMs").GetDouble(), Is.GreaterThan(0));
        Assert.That(json.RootElement.GetProperty("images").GetArrayLength(), Is.EqualTo(4), "2 methods × 2 prompts × 1 seed");
    }

    [Test]
    public void ForcedAllActiveMaskHasIdealSpeedupOne()
    {
        var output = Out("forced");
        var summary = Out("forced-summary.tsv");
        var r = Bench(output, "--forced-active", "1", "--forced-medium", "0", "--summary", summary);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, BenchCommand.JsonName)));
        var jano = Method(json, "jano");
        Assert.That(jano.GetProperty("idealSpeedup").GetDouble(), Is.EqualTo(1.0).Within(1e-12));
        Assert.That(jano.GetProperty("activeFraction").GetDouble(), Is.EqualTo(1.0));
        // Every token active is dense (docs/ARCHITECTURE.md, "The token engine"): PSNR is +∞ (written "Infinity") or at least very high.
        var psnr = jano.GetProperty("psnrMean");
        Assert.That(psnr.ValueKind == JsonValueKind.String ? psnr.GetString() : psnr.GetDouble() > 80 ? "high" : psnr.GetDouble().ToString(),
            Is.EqualTo("Infinity").Or.EqualTo("high"));
        Assert.That(json.RootElement.GetProperty("forced").GetProperty("active").GetDouble(), Is.EqualTo(1.0));

        var lines = File.ReadAllLines(summary);
        Assert.That(lines, Has.Length.EqualTo(3), "header + dense + jano");
        Assert.That(lines[0], Does.StartWith("package\ttokens"));
        Assert.That(lines[2].Split('\t')[7], Is.EqualTo("jano"));
    }

    [Test]
    public void BadOptionsAreUsageErrors()
    {
        Assert.That(CliRunner.Run("bench", "--package", _model.Package, "--forced-medium", "0.2").Code, Is.EqualTo(2));
        var r = CliRunner.Run("bench", "--package", _model.Package, "--forced-active", "0.8", "--forced-medium", "0.5");
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("at most 1"));
        Assert.That(CliRunner.Run("bench", "--package", _model.Package, "--dense").Code, Is.EqualTo(2));
        Assert.That(CliRunner.Run("bench", "--package", _model.Package, "--repeats", "0").Code, Is.EqualTo(2));
        Assert.That(CliRunner.Run("bench", "--package", _model.Package, "--attention", "gpu").Code, Is.EqualTo(2));
    }

    [Test]
    public void MissingPromptsFileIsNamed()
    {
        var r = CliRunner.Run("bench", "--package", _model.Package, "--prompts-file", Out("nowhere.txt"), "--out", Out("x"));
        Assert.That(r.Code, Is.EqualTo(1));
        Assert.That(r.Err, Does.Contain("nowhere.txt"));
    }
}

/// <summary>`jano bench --methods all --sweep` on a tiny random package: every method at its settings, one report row each, the front marked.</summary>
[TestFixture]
public sealed class BenchSweepCommandTests
{
    private TinyPixArt _model = null!;
    private string _prompts = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 16, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 3);
        _model.Export();
        _prompts = Path.Combine(_model.Folder, "prompts.txt");
        File.WriteAllText(_prompts, "a sneaker\n");
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    private (int Code, string Out, string Err) Bench(string output, params string[] extra) =>
        CliRunner.Run(["bench", "--package", _model.Package, "--prompts-file", _prompts, "--seeds", "1", "--repeats", "1",
            "--warmup-runs", "0", "--steps", "10", "--warmup", "2", "--cooldown", "1", "--threads", "1", "--out", Path.Combine(_model.Folder, output), .. extra]);

    private static List<JsonElement> Methods(JsonDocument json) => [.. json.RootElement.GetProperty("methods").EnumerateArray()];

    [Test]
    public void AllMethodsSweptWithoutACalibrationLeaveOutTeaCacheAndSayWhy()
    {
        var r = Bench("sweep", "--methods", "all", "--sweep");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Err, Does.Contain("note: teacache left out: the package has no acceleration.teaCache calibration"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_model.Folder, "sweep", BenchCommand.JsonName)));
        var methods = Methods(json);
        var labels = methods.Select(m => m.GetProperty("method").GetString()!).ToList();
        Assert.That(labels, Is.Unique);
        Assert.That(labels[0], Is.EqualTo("dense"));
        var families = methods.GroupBy(m => m.GetProperty("family").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        // 10 steps: steps-6, -5, -4, -3; FORA, TaylorSeer and ToCa 4 settings each; Jano and jano+taylor 4 schedules each.
        Assert.That(families, Is.EquivalentTo(new Dictionary<string, int>
        {
            ["dense"] = 1, ["steps"] = 4, ["fora"] = 4, ["taylorseer"] = 4, ["toca"] = 4, ["jano"] = 4, ["jano+taylor"] = 4,
        }));
        Assert.That(labels, Does.Contain("steps-5").And.Contain("fora interval=2").And.Contain("toca ratio=0.1").And.Contain("jano+taylor mi6"));
        Assert.That(json.RootElement.GetProperty("images").GetArrayLength(), Is.EqualTo(labels.Count), "one image per method setting (1 prompt × 1 seed)");

        // The front, recomputed here from the report's own numbers: no marked point is dominated, every unmarked one is.
        var points = methods.Skip(1).Select(m => (Label: m.GetProperty("method").GetString(), S: m.GetProperty("speedup").GetDouble(),
            P: m.GetProperty("psnrMean") is var p && p.ValueKind == JsonValueKind.String ? double.PositiveInfinity : p.GetDouble(),
            Front: m.GetProperty("onParetoFront").GetBoolean())).ToList();
        foreach (var a in points)
        {
            var dominated = points.Any(b => b.Label != a.Label && b.S >= a.S && b.P >= a.P && (b.S > a.S || b.P > a.P));
            Assert.That(a.Front, Is.EqualTo(!dominated), a.Label);
        }
        Assert.That(File.ReadAllText(Path.Combine(_model.Folder, "sweep", BenchCommand.ReportName)), Does.Contain("★"));
    }

    [Test]
    public void TeaCacheByNameOnAnUncalibratedPackageIsRefusedNamingCalibrate()
    {
        var r = Bench("teacache", "--methods", "dense,teacache");
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("--methods teacache: the package has no acceleration.teaCache calibration; run `jano calibrate`"));
    }

    [TestCase("fora,nope", "unknown method 'nope'")]
    [TestCase("fora,,toca", "has an empty name between commas")]
    [TestCase("dense", "names only dense")]
    [TestCase("steps-x", "steps-K needs a whole number")]
    public void BadMethodListsAreOneLine(string list, string message)
    {
        var r = Bench("bad", "--methods", list);
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err.TrimEnd().Split('\n'), Has.Length.EqualTo(1), r.Err);
        Assert.That(r.Err, Does.Contain(message));
    }
}
