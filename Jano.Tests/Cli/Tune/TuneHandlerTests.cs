using System.Text.Json;
using Jano.Cli.Tune;
using Jano.Core.Packages;
using Jano.Runtime;
using Jano.Runtime.Acceleration;
using Jano.Runtime.Imaging;
using Jano.Runtime.Pipeline;
using Jano.Tests.Export;

namespace Jano.Tests.Cli.Tune;

/// <summary>`jano tune` end to end on a tiny random package: the preset it writes parses, reproduces the PSNR it recorded, and `generate --jano-preset` runs its method.</summary>
[TestFixture]
public sealed class TuneHandlerTests
{
    private TinyPixArt _model = null!;
    private string _prompts = null!;
    private const int Steps = 12;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 13);
        _model.Export();
        _prompts = Path.Combine(_model.Folder, "prompts.txt");
        File.WriteAllText(_prompts, "a coat\na bag\n");
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    private static (int Code, string Out, string Err) Run(TuneSettings settings)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = TuneHandler.Run(settings, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private TuneSettings Settings(double target, string name) => new()
    {
        Package = _model.Package, PromptsFile = _prompts, TargetPsnr = target, CalibrationSeeds = 2, HeldOutSeeds = 1,
        Method = "jano+taylor", Steps = Steps, Candidates = 5, Threads = 1, PresetName = name,
    };

    [Test]
    public void WritesAPresetThatReproducesItsCalibrationPsnrAndGenerateRunsItsMethod()
    {
        var r = Run(Settings(target: 8, name: "low-bar"));
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("successive halving").And.Contain("held out").And.Contain("wrote preset 'low-bar'"));

        var manifest = ModelPackage.Open(_model.Package).Manifest; // parses and validates what was written
        var options = manifest.JanoPresets!["low-bar"];
        var tuned = manifest.Acceleration!.Presets!["low-bar"];
        Assert.That(tuned.Method, Is.EqualTo("jano+taylor"));
        Assert.That(tuned.Parameters, Contains.Key("horizon"));
        Assert.That(tuned.TargetPsnr, Is.EqualTo(8));
        Assert.That(tuned.Steps, Is.EqualTo(Steps));
        Assert.That(tuned.CalibrationPsnr, Is.GreaterThanOrEqualTo(8));
        Assert.That(tuned.Evaluations, Is.LessThan(tuned.ExhaustiveEvaluations!.Value));

        // The oracle: the preset regenerated here on the 4 calibration images, PSNR against dense computed again.
        var method = AccelerationMethods.Parse(tuned.Method, tuned.Parameters);
        using (var pipeline = TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Threads = 1 }))
        {
            var psnr = new List<double>();
            foreach (var seed in new[] { 0, 1 })
                foreach (var prompt in new[] { "a coat", "a bag" })
                {
                    var request = new GenerationRequest { Prompt = prompt, Seed = seed, Steps = Steps };
                    var dense = pipeline.Generate(request).Image;
                    psnr.Add(ImageMetrics.Psnr(pipeline.Generate(request with { Method = method, Jano = options }).Image, dense));
                }
            Assert.That(psnr.Average(), Is.EqualTo(tuned.CalibrationPsnr!.Value).Within(1e-3), "the PSNR the preset recorded (rounded to 3 places)");
        }

        // `jano generate --jano-preset low-bar` runs the tuned method with its parameters; the sidecar says so.
        var png = Path.Combine(_model.Folder, "tuned.png");
        var g = CliRunner.Run("generate", "a coat", "--model", _model.Package, "--steps", Steps.ToString(), "--jano-preset", "low-bar", "--threads", "1", "--out", png);
        Assert.That(g.Code, Is.EqualTo(0), g.Err);
        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(png, ".json")));
        Assert.That(sidecar.RootElement.GetProperty("method").GetString(), Is.EqualTo("jano+taylor"));
        Assert.That(sidecar.RootElement.GetProperty("methodParameters").GetProperty("horizon").GetString(), Is.EqualTo(tuned.Parameters["horizon"]));
        Assert.That(sidecar.RootElement.GetProperty("jano").GetProperty("mediumInterval").GetInt32(), Is.EqualTo(options.MediumInterval));
    }

    [Test]
    public void AnUnreachableTargetWritesNothing()
    {
        var path = Path.Combine(_model.Package, ModelManifest.FileName);
        var before = File.ReadAllBytes(path);
        var r = Run(Settings(target: 99, name: "impossible") with { HeldOutSeeds = 0 });
        Assert.That(r.Code, Is.EqualTo(1));
        Assert.That(r.Err, Does.Contain("no candidate reached a mean PSNR of 99 dB").And.Contain("nothing written"));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
    }

    [TestCase(0.0, "--target-psnr must be a number of dB in (0, 100]")]
    [TestCase(double.NaN, "--target-psnr must be a number of dB in (0, 100]")]
    public void BadTargetsAreOneLine(double target, string message)
    {
        var r = Run(Settings(target, "x"));
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain(message));
    }

    [Test]
    public void APlainMethodIsRefused()
    {
        var r = Run(Settings(30, "x") with { Method = "fora" });
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("--method must be one of jano, jano+taylor, jano+teacache"));
    }

    [Test]
    public void ABadPresetNameIsRefused()
    {
        var r = Run(Settings(30, "no spaces"));
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("--name must be 1 to 64 letters"));
    }
}
