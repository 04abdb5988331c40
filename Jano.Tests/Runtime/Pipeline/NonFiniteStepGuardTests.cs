using Jano.Export;
using Jano.Export.PixArt;
using Jano.Runtime;
using Jano.Runtime.Pipeline;
using Jano.Tests.Cli;
using Jano.Tests.Export;
using Jano.Tests.Export.Checkpoints;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>
/// Generation stops at the first step whose latents hold a NaN or an infinity, naming the step, the
/// stage that produced it and the seed; it never decodes such latents into a black image.
/// </summary>
[TestFixture]
public sealed class NonFiniteStepGuardTests
{
    private TinyPixArt _broken = null!;
    private TinyPixArt _healthy = null!;

    [OneTimeSetUp]
    public void Export()
    {
        // A NaN in the final projection's bias: every prediction is NaN from the first step on.
        _broken = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 3);
        PoisonedCheckpoint.Poison(_broken.Checkpoint, ("proj_out.bias", 2, float.NaN));
        PixArtExporter.Export(_broken.Checkpoint, _broken.Package, new ExportOptions { Sampler = "flow-euler", AllowNonFinite = true });
        _healthy = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 4);
        _healthy.Export();
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _broken.Dispose();
        _healthy.Dispose();
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ANaNPredictionStopsAtTheFirstStepNamingStageAndSeed(bool jano)
    {
        using var pipeline = TextToImagePipeline.Open(_broken.Package, new RuntimeOptions { Threads = 1 });
        var options = jano ? new Jano.Core.Acceleration.JanoOptions { Warmup = 2, Cooldown = 1, BlockHeight = 2, BlockWidth = 2 } : null;
        var e = Assert.Throws<NonFiniteLatentsException>(() => pipeline.Generate(new GenerationRequest { Prompt = "a boot", Seed = 42, Steps = 6, Jano = options }))!;
        Assert.That(e.Step, Is.EqualTo(1));
        Assert.That(e.Stage, Is.EqualTo(LatentGuard.PredictionStage));
        Assert.That(e.Seed, Is.EqualTo(42));
        Assert.That(e.Message, Does.StartWith("generation stopped at step 1 of 6 (seed 42): the guided prediction holds"));
        Assert.That(e.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public void JanoGenerateExitsNonZeroWithOneLineAndWritesNoImage()
    {
        var png = Path.Combine(_broken.Folder, "black.png");
        var r = CliRunner.Run("generate", "a boot", "--model", _broken.Package, "--steps", "4", "--seed", "9", "--out", png, "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(1), r.Err);
        var lines = r.Err.Split('\n').Where(l => l.StartsWith("jano ", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.Contain("step 1 of 4 (seed 9)").And.Contain(LatentGuard.PredictionStage));
        Assert.That(File.Exists(png), Is.False, "no PNG");
        Assert.That(File.Exists(Path.ChangeExtension(png, ".json")), Is.False, "no sidecar");
        Assert.That(Directory.EnumerateFiles(_broken.Folder, "*.tmp"), Is.Empty, "no temporaries");
    }

    [Test]
    public void AFinitePredictionWithNonFiniteLatentsBlamesTheScheduler()
    {
        float[] prediction = [0.5f, -1f, 2f, 0f], latents = [0.1f, float.PositiveInfinity, 0.3f, float.NaN];
        var e = Assert.Throws<NonFiniteLatentsException>(() => LatentGuard.AfterStep(latents, prediction, 7, 20, 5))!;
        Assert.That(e.Stage, Is.EqualTo(LatentGuard.SchedulerStage));
        Assert.That(e.Message, Is.EqualTo("generation stopped at step 7 of 20 (seed 5): the scheduler step holds 2 non-finite values (first at element 1), produced by the scheduler's step from a finite prediction; an image decoded from it would be black"));
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    [TestCase(float.NegativeInfinity)]
    public void AnyNonFiniteValueIsFoundWhereverItIs(float bad)
    {
        for (var at = 0; at < 70; at += 23) // inside and after the vectorised blocks
        {
            var values = Enumerable.Range(0, 70).Select(i => (float)Math.Sin(i)).ToArray();
            values[at] = bad;
            Assert.That(LatentGuard.AllFinite(values), Is.False, $"at {at}");
        }
        Assert.That(LatentGuard.AllFinite([float.MaxValue, -float.MaxValue, 0f]), "large finite values pass");
    }

    [Test]
    public void TheGuardChangesNothingInAHealthyGeneration()
    {
        using var pipeline = TextToImagePipeline.Open(_healthy.Package, new RuntimeOptions { Threads = 1 });
        var request = new GenerationRequest { Prompt = "a shirt", Seed = 8, Steps = 5 };
        var on = pipeline.Generate(request);
        var off = pipeline.Generate(request with { CheckLatents = false });
        Assert.That(on.Image, Is.EqualTo(off.Image));
        Assert.That(on.Image.Any(v => v != 0));
    }

    [Test]
    public void WithTheGuardOffTheBrokenPackageRunsToABlackImage()
    {
        // What the guard prevents: the same request, unchecked, decodes NaN latents (black when written).
        using var pipeline = TextToImagePipeline.Open(_broken.Package, new RuntimeOptions { Threads = 1 });
        var result = pipeline.Generate(new GenerationRequest { Prompt = "a boot", Seed = 1, Steps = 3, CheckLatents = false });
        Assert.That(result.Image.Any(float.IsNaN));
    }
}
