using System.Text.Json.Nodes;
using Jano.Cli.Calibrate;
using Jano.Core.Acceleration;
using Jano.Core.Packages;
using Jano.Runtime;
using Jano.Runtime.Acceleration;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;
using Jano.Tests.Export;
using Jano.Tests.Runtime.Acceleration;

namespace Jano.Tests.Cli;

/// <summary>
/// `jano calibrate` on a tiny random package: the coefficients it writes parse, equal a least-squares
/// line computed here by hand from the same dense runs, and change no image of dense or Jano.
/// </summary>
[TestFixture]
public sealed class CalibrateHandlerTests
{
    private TinyPixArt _model = null!;
    private string _prompts = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 11);
        _model.Export();
        _prompts = Path.Combine(_model.Folder, "prompts.txt");
        File.WriteAllText(_prompts, "a shirt\n# a comment\na boot\n");
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    private static (int Code, string Out, string Err) Run(CalibrateSettings settings)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CalibrateHandler.Run(settings, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The least-squares line by the textbook formulas: slope Σ(x−x̄)(y−ȳ)/Σ(x−x̄)², intercept ȳ − slope·x̄.</summary>
    private static (double Slope, double Intercept) HandLine(List<(double X, double Y)> points)
    {
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var slope = points.Sum(p => (p.X - mx) * (p.Y - my)) / points.Sum(p => (p.X - mx) * (p.X - mx));
        return (slope, my - slope * mx);
    }

    private static readonly JanoOptions Small = new() { Warmup = 2, Cooldown = 1, StaticInterval = 4, MediumInterval = 2 };

    private static (float[] Dense, float[] Jano) Images(string package)
    {
        using var pipeline = TextToImagePipeline.Open(package, new RuntimeOptions { Threads = 1 });
        var request = new GenerationRequest { Prompt = "a shirt", Seed = 2, Steps = 7 };
        return (pipeline.Generate(request).Image, pipeline.Generate(request with { Jano = Small }).Image);
    }

    [Test]
    public void WritesTheLeastSquaresFitOfTheDenseRunsAndChangesNoImage()
    {
        var before = Images(_model.Package);
        var manifestBefore = JsonNode.Parse(File.ReadAllText(Path.Combine(_model.Package, ModelManifest.FileName)))!;
        var samplesFile = Path.Combine(_model.Folder, "samples.tsv");

        var r = Run(new CalibrateSettings { Package = _model.Package, PromptsFile = _prompts, Seeds = 2, Steps = [5, 6], Degree = 1, Threads = 1, SamplesFile = samplesFile });
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("wrote acceleration.teaCache"));

        // The oracle: the same dense runs, every step copied, changes and line computed here.
        var copies = new CopyingRecorder();
        using (var pipeline = TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Threads = 1 }))
            foreach (var steps in new[] { 5, 6 })
                foreach (var prompt in new[] { "a shirt", "a boot" })
                    for (var seed = 0; seed < 2; seed++)
                        pipeline.Generate(new GenerationRequest { Prompt = prompt, Seed = seed, Steps = steps, Recorder = copies });
        var points = new List<(double, double)>();
        for (var i = 1; i < copies.Steps.Count; i++)
        {
            var (prev, now) = (copies.Steps[i - 1], copies.Steps[i]);
            if (now.Step == 1 || now.Step == now.Steps) continue; // no pair across runs; the last step always computes
            points.Add((StepRecordingOracle.HandRelativeL1(now.Input, prev.Input), StepRecordingOracle.HandRelativeL1(now.Output, prev.Output)));
        }
        Assert.That(points, Has.Count.EqualTo(2 * 2 * (3 + 4)));
        var (slope, intercept) = HandLine(points);

        var package = ModelPackage.Open(_model.Package); // parses and validates the manifest written
        var tea = package.Manifest.Acceleration!.TeaCache!;
        Assert.That(tea.Coefficients, Has.Count.EqualTo(2));
        // The samples agree with the oracle's to float precision (float32 sums in the runtime), so the line to 1e-5.
        Assert.That(tea.Coefficients[0], Is.EqualTo(slope).Within(1e-5 * Math.Max(1, Math.Abs(slope))));
        Assert.That(tea.Coefficients[1], Is.EqualTo(intercept).Within(1e-5 * Math.Max(1, Math.Abs(intercept))));
        Assert.That(tea.Samples, Is.EqualTo(points.Count));
        Assert.That(tea.Steps, Is.EqualTo(new[] { 5, 6 }));
        Assert.That(tea.Rms, Is.GreaterThan(0));
        Assert.That(File.ReadAllLines(samplesFile), Has.Length.EqualTo(1 + 2 * 2 * (4 + 5)), "every recorded pair, the last steps too");

        // Only the field was added: the rest of the manifest is the same tree, and images are bit-identical.
        var manifestAfter = JsonNode.Parse(File.ReadAllText(Path.Combine(_model.Package, ModelManifest.FileName)))!.AsObject();
        manifestAfter.Remove("acceleration");
        Assert.That(JsonNode.DeepEquals(manifestAfter, manifestBefore), Is.True);
        var after = Images(_model.Package);
        Assert.That(after.Dense, Is.EqualTo(before.Dense));
        Assert.That(after.Jano, Is.EqualTo(before.Jano));

        // And TeaCache runs from the package's calibration, no coefficients given.
        using var again = TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Threads = 1 });
        var result = again.Generate(new GenerationRequest { Prompt = "a boot", Steps = 6, Method = AccelerationMethods.Parse("teacache") });
        Assert.That(result.Acceleration!.Method, Is.EqualTo("teacache"));
    }

    [Test]
    public void ADryRunLeavesTheManifestAsItWas()
    {
        var path = Path.Combine(_model.Package, ModelManifest.FileName);
        var bytes = File.ReadAllBytes(path);
        var r = Run(new CalibrateSettings { Package = _model.Package, PromptsFile = _prompts, Seeds = 1, Steps = [6], Degree = 2, Threads = 1, DryRun = true });
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("coefficients (highest degree first)").And.Contain("dry run"));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(bytes));
    }

    [TestCase(0, 6, 1, "--seeds must be between 1 and 1000, got 0")]
    [TestCase(1, 2, 1, "--steps must be whole numbers between 3 and 10000")]
    [TestCase(1, 6, 9, "--degree must be between 1 and 8, got 9")]
    public void BadSettingsAreOneLineNamingTheFlag(int seeds, int steps, int degree, string message)
    {
        var r = Run(new CalibrateSettings { Package = _model.Package, Seeds = seeds, Steps = [steps], Degree = degree });
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Err, Does.Contain(message));
    }

    [Test]
    public void TooFewSamplesForTheDegreeAreRefusedBeforeAnyRun()
    {
        var r = Run(new CalibrateSettings { Package = _model.Package, PromptsFile = _prompts, Seeds = 1, Steps = [3], Degree = 4, Threads = 1 });
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("give 2 samples; a degree-4 fit needs at least 5"));
    }

    [Test]
    public void AMissingPackageIsNamed()
    {
        var missing = Path.Combine(_model.Folder, "no-such-package");
        var r = Run(new CalibrateSettings { Package = missing });
        Assert.That(r.Code, Is.EqualTo(1));
        Assert.That(r.Err, Does.Contain($"{missing}: model package folder not found"));
    }
}
