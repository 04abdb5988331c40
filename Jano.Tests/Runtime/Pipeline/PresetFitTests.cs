using Jano.Core.Acceleration;
using Jano.Runtime;
using Jano.Runtime.Pipeline;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>
/// A Jano preset that cannot act at the chosen step count (warm-up + cool-down leave no step): the
/// package's default generates dense with a note in the result; options the caller asked for fail with the reason.
/// </summary>
[TestFixture]
public sealed class PresetFitTests
{
    private TinyPixArt _model = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(caption: 384, inChannels: 1, outChannels: 1);
        _model.Export();
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    private static JanoOptions Preset => new() { Warmup = 7, Cooldown = 2 };

    [Test]
    public void APackageDefaultThatCannotActGeneratesDenseAndSaysSo()
    {
        using var pipeline = TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Threads = 1 });
        var result = pipeline.Generate(new GenerationRequest { Prompt = "a coat", Steps = 5, Jano = Preset, FallBackToDense = true });
        Assert.That(result.Method, Is.EqualTo("dense"));
        Assert.That(result.Jano, Is.Null);
        Assert.That(result.Notes, Has.One.EqualTo("the package's default Jano preset does not fit this run (Jano option warmup + cooldown (7 + 2) must be less than the number of steps (5), or no step would be accelerated); generating dense"));
    }

    [Test]
    public void RequestedOptionsThatCannotActFailWithTheReason()
    {
        using var pipeline = TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Threads = 1 });
        var e = Assert.Throws<ArgumentException>(() => pipeline.Generate(new GenerationRequest { Prompt = "a coat", Steps = 5, Jano = Preset }))!;
        Assert.That(e.Message, Is.EqualTo("Jano option warmup + cooldown (7 + 2) must be less than the number of steps (5), or no step would be accelerated"));
    }

    [TestCase(-0.5, 0.4, "Jano option static-threshold must be in [0, 1] (scores are normalised to it), got -0.5")]
    [TestCase(0.2, 2.0, "Jano option medium-threshold must be in [0, 1] (scores are normalised to it), got 2")]
    public void ThresholdsOutsideTheUnitIntervalAreRefusedByName(double staticThreshold, double mediumThreshold, string expected) =>
        Assert.That(Assert.Throws<ArgumentException>(() => new JanoOptions { StaticThreshold = staticThreshold, MediumThreshold = mediumThreshold }.Validate(50, 32, 32))!.Message,
            Is.EqualTo(expected));
}
