using System.Text.Json;
using Jano.Runtime;
using Jano.Runtime.Acceleration;
using Jano.Runtime.Imaging;
using Jano.Runtime.Pipeline;
using Jano.Tests.Export;

namespace Jano.Tests.Cli;

/// <summary>`jano generate --method`: the image is the library's for that method, and the sidecar records method, parameters and ideal speed-up.</summary>
[TestFixture]
public sealed class GenerateMethodTests
{
    private TinyPixArt _model = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 21);
        _model.Export();
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    private string Out(string name) => Path.Combine(_model.Folder, name);

    [Test]
    public void ForaWithAnIntervalIsTheLibrarysImageAndTheSidecarSaysSo()
    {
        var png = Out("fora.png");
        var r = CliRunner.Run("generate", "a sandal", "--model", _model.Package, "--steps", "6", "--seed", "3", "--method", "fora:interval=2", "--threads", "1", "--out", png);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("fora seed 3: steps (C computed, P part of the tokens, R blocks reused, F forecast): CRCRCR"));

        GenerationResult expected;
        using (var pipeline = TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Threads = 1 }))
            expected = pipeline.Generate(new GenerationRequest
            {
                Prompt = "a sandal", Seed = 3, Steps = 6, Method = AccelerationMethods.Parse("fora", new Dictionary<string, string> { ["interval"] = "2" }),
            });
        Assert.That(File.ReadAllBytes(png), Is.EqualTo(ImageWriter.EncodePng([expected.Image], expected.Channels, expected.Height, expected.Width)));

        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(png, ".json")));
        var root = sidecar.RootElement;
        Assert.That(root.GetProperty("method").GetString(), Is.EqualTo("fora"));
        Assert.That(root.GetProperty("methodParameters").GetProperty("interval").GetString(), Is.EqualTo("2"));
        Assert.That(root.GetProperty("idealSpeedup").GetDouble(), Is.EqualTo(expected.Acceleration!.IdealSpeedup).Within(1e-12));
        Assert.That(root.TryGetProperty("jano", out _), Is.False, "FORA runs no Jano schedule");
    }

    [Test]
    public void AJanoFamilyMethodTakesTheJanoFlags()
    {
        var png = Out("taylor.png");
        var r = CliRunner.Run("generate", "a sandal", "--model", _model.Package, "--steps", "8", "--method", "jano+taylor", "--warmup", "2", "--cooldown", "1", "--threads", "1", "--out", png);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(png, ".json")));
        var root = sidecar.RootElement;
        Assert.That(root.GetProperty("method").GetString(), Is.EqualTo("jano+taylor"));
        Assert.That(root.GetProperty("methodParameters").GetProperty("horizon").GetString(), Is.EqualTo("4"));
        Assert.That(root.GetProperty("jano").GetProperty("warmup").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public void StepsKRunsKStepsAndCompareDenseMeasuresIt()
    {
        var png = Out("steps.png");
        var r = CliRunner.Run("generate", "a sandal", "--model", _model.Package, "--steps", "8", "--method", "steps-4", "--compare-dense", "--threads", "1", "--out", png);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("steps-4 vs dense:").And.Contain("PSNR"));
        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(png, ".json")));
        Assert.That(sidecar.RootElement.GetProperty("steps").GetInt32(), Is.EqualTo(4));
        Assert.That(sidecar.RootElement.GetProperty("method").GetString(), Is.EqualTo("steps-4"));
    }

    [TestCase(new[] { "--method", "nope" }, "--method: unknown method 'nope'; methods: dense, steps-K")]
    [TestCase(new[] { "--method", "fora:interval=0" }, "parameter interval must be a whole number ≥ 1, got '0'")]
    [TestCase(new[] { "--method", "fora:interval" }, "parameters are written NAME:key=value;key=value")]
    [TestCase(new[] { "--method", "fora", "--jano-preset", "fast" }, "--method fora does not run Jano's schedule")]
    [TestCase(new[] { "--method", "jano", "--dense" }, "--dense cannot be combined with --method jano")]
    public void BadMethodsAreOneLine(string[] extra, string message)
    {
        var r = CliRunner.Run(["generate", "a sandal", "--model", _model.Package, "--steps", "4", "--out", Out("bad.png"), .. extra]);
        Assert.That(r.Code, Is.EqualTo(2), r.Err);
        var lines = r.Err.Split('\n').Where(l => l.StartsWith("jano ", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.Contain(message));
        Assert.That(File.Exists(Out("bad.png")), Is.False);
    }
}
