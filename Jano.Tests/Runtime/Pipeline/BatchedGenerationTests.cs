using Jano.Cli;
using Jano.Runtime;
using Jano.Runtime.Pipeline;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>
/// Several images per forward (TextToImagePipeline.GenerateBatch) on the default model: each image of a
/// batch against the same request generated alone, the oracle being the one-image path.
/// </summary>
[TestFixture]
public sealed class BatchedGenerationTests
{
    private TextToImagePipeline _pipeline = null!;

    [OneTimeSetUp]
    public void Open() => _pipeline = TextToImagePipeline.Open(DefaultModel.Locate(), new RuntimeOptions { Threads = 1 });

    [OneTimeTearDown]
    public void Close() => _pipeline.Dispose();

    private static readonly GenerationRequest[] Requests =
    [
        new() { Prompt = "an ankle boot", Seed = 3, Steps = 4 },
        new() { Prompt = "a bag with a long strap", NegativePrompt = "blurry", Seed = 4, Steps = 4, Guidance = 2.5 },
        new() { Prompt = "a dress", Seed = 5, Steps = 4, Guidance = 6 },
    ];

    private static double MaxAbsDiff(float[] a, float[] b)
    {
        Assert.That(a, Has.Length.EqualTo(b.Length));
        double m = 0;
        for (var i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    [Test]
    public void EachImageOfABatchIsTheImageGeneratedAlone()
    {
        var alone = Requests.Select(r => _pipeline.Generate(r)).ToList();
        var batch = _pipeline.GenerateBatch(Requests);
        Assert.That(batch, Has.Count.EqualTo(Requests.Length));
        for (var j = 0; j < Requests.Length; j++)
        {
            var diff = MaxAbsDiff(batch[j].Image, alone[j].Image);
            TestContext.Out.WriteLine($"image {j}: max |batch − alone| = {diff:E2}");
            // Pixels in [0, 1]: a difference below 1e-4 is invisible in an 8-bit PNG (1/255 ≈ 3.9e-3).
            Assert.That(diff, Is.LessThan(1e-4), $"image {j}");
            Assert.That(batch[j].Guidance, Is.EqualTo(alone[j].Guidance));
            Assert.That(batch[j].Method, Is.EqualTo("dense"));
        }
        Assert.That(MaxAbsDiff(batch[0].Image, batch[1].Image), Is.GreaterThan(0.01), "different requests give different images (no branch mix-up)");
    }

    [Test]
    public void TheSameBatchGivesTheSameBytes()
    {
        var a = _pipeline.GenerateBatch(Requests);
        var b = _pipeline.GenerateBatch(Requests);
        for (var j = 0; j < Requests.Length; j++) Assert.That(b[j].Image, Is.EqualTo(a[j].Image));
    }

    [Test]
    public void ABatchOfOneIsExactlyTheSingleGeneration()
    {
        var alone = _pipeline.Generate(Requests[1]);
        var batch = _pipeline.GenerateBatch([Requests[1]]);
        Assert.That(batch[0].Image, Is.EqualTo(alone.Image));
    }

    [Test]
    public void WithoutGuidanceEveryImageHasOneBranch()
    {
        GenerationRequest[] requests = [Requests[0] with { Guidance = 1 }, Requests[2] with { Guidance = 1 }];
        var batch = _pipeline.GenerateBatch(requests);
        for (var j = 0; j < requests.Length; j++)
            Assert.That(MaxAbsDiff(batch[j].Image, _pipeline.Generate(requests[j]).Image), Is.LessThan(1e-4));
    }

    [Test]
    public void RequestsThatCannotShareAForwardAreNamed()
    {
        var jano = Requests[0] with { Jano = _pipeline.Package.Manifest.JanoPresets!["fast"], Steps = 12 };
        Assert.That(_pipeline.WhyNotOneBatch([Requests[0], jano]), Does.Contain("accelerates"));
        Assert.That(_pipeline.WhyNotOneBatch([Requests[0], Requests[1] with { Steps = 5 }]), Does.Contain("step count"));
        Assert.That(_pipeline.WhyNotOneBatch([Requests[0], Requests[1] with { Guidance = 1 }]), Does.Contain("guidance"));
        Assert.That(_pipeline.WhyNotOneBatch(Requests), Is.Null);
        var e = Assert.Throws<ArgumentException>(() => _pipeline.GenerateBatch([Requests[0], Requests[1] with { Steps = 5 }]))!;
        Assert.That(e.Message, Does.Contain("cannot run as one batch"));
    }

    [Test]
    public void OneImageAfterABatchIsUnchanged()
    {
        var before = _pipeline.Generate(Requests[2]);
        _pipeline.GenerateBatch(Requests);
        Assert.That(_pipeline.Generate(Requests[2]).Image, Is.EqualTo(before.Image), "the larger engine and the batch's captions leave single generation as it was");
    }
}
