using Jano.Cli;
using Jano.Runtime;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;

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
        var jano = Requests[0] with { Jano = _pipeline.Package.Manifest.JanoPresets!["fast"], Steps = 4 };
        Assert.That(_pipeline.WhyNotOneBatch([Requests[0], jano]), Does.Contain("Jano options"));
        Assert.That(_pipeline.WhyNotOneBatch([jano, jano with { Jano = _pipeline.Package.Manifest.JanoPresets!["reference"] }]), Does.Contain("Jano options"));
        Assert.That(_pipeline.WhyNotOneBatch([jano, jano with { Seed = 9 }]), Is.Null);
        Assert.That(_pipeline.WhyNotOneBatch([Requests[0], Requests[0] with { Method = Jano.Runtime.Acceleration.AccelerationMethods.Parse("fora") }]), Does.Contain("method"));
        Assert.That(_pipeline.WhyNotOneBatch([Requests[0], Requests[1] with { Steps = 5 }]), Does.Contain("step count"));
        Assert.That(_pipeline.WhyNotOneBatch([Requests[0], Requests[1] with { Guidance = 1 }]), Does.Contain("guidance"));
        Assert.That(_pipeline.WhyNotOneBatch(Requests), Is.Null);
        var e = Assert.Throws<ArgumentException>(() => _pipeline.GenerateBatch([Requests[0], Requests[1] with { Steps = 5 }]))!;
        Assert.That(e.Message, Does.Contain("cannot run as one batch"));
    }

    private GenerationRequest[] JanoRequests() => Requests.Select(r => r with { Steps = 12, Jano = _pipeline.Package.Manifest.JanoPresets!["fast"] }).ToArray();

    [Test]
    public void AJanoImageOfABatchIsTheImageAloneWithTheUnionOfTheMasksForced()
    {
        var requests = JanoRequests();
        var alone = requests.Select(r => _pipeline.Generate(r)).ToList();
        var union = TextToImagePipeline.Union(alone.Select(a => a.Jano!.Mask).ToList());
        var batch = _pipeline.GenerateBatch(requests);
        TestContext.Out.WriteLine($"active per image {string.Join(", ", alone.Select(a => a.Jano!.Mask.ActiveCount))}, union {union.ActiveCount}; medium {string.Join(", ", alone.Select(a => a.Jano!.Mask.MediumCount))}, union {union.MediumCount} of {union.Tokens}");
        for (var j = 0; j < requests.Length; j++)
        {
            Assert.That(batch[j].Method, Is.EqualTo("jano"));
            Assert.That(batch[j].Jano!.Mask.Levels, Is.EqualTo(alone[j].Jano!.Mask.Levels), "each image's own analysis, from the same dense warm-up");
            var forced = _pipeline.Generate(requests[j] with { ForcedMask = union });
            Assert.That(MaxAbsDiff(batch[j].Image, forced.Image), Is.LessThan(1e-4), $"image {j}");
            Assert.That(batch[j].Jano!.TokensPerStep, Is.EqualTo(forced.Jano!.TokensPerStep), "the union's prefix per step");
            Assert.That(batch[j].Jano!.IdealSpeedup, Is.LessThanOrEqualTo(alone[j].Jano!.IdealSpeedup + 1e-12), "the union computes at least each image's own tokens");
        }
    }

    [Test]
    public void AJanoBatchOfOneIsExactlyTheSingleGeneration()
    {
        var request = JanoRequests()[1];
        Assert.That(_pipeline.GenerateBatch([request])[0].Image, Is.EqualTo(_pipeline.Generate(request).Image));
    }

    [Test]
    public void TheUnionTakesEachTokensMostActiveLevel()
    {
        TokenLevel A = TokenLevel.Active, M = TokenLevel.Medium, S = TokenLevel.Static;
        var union = TextToImagePipeline.Union([new TokenMask([S, M, A, S, S]), new TokenMask([M, S, S, S, A])]);
        Assert.That(union.Levels, Is.EqualTo(new[] { M, M, A, S, A }));
        Assert.That(union.Order, Is.EqualTo(new[] { 2, 4, 0, 1, 3 }), "active, then medium, then static");
    }

    [Test]
    public void OneImageAfterABatchIsUnchanged()
    {
        var before = _pipeline.Generate(Requests[2]);
        _pipeline.GenerateBatch(Requests);
        _pipeline.GenerateBatch(JanoRequests());
        Assert.That(_pipeline.Generate(Requests[2]).Image, Is.EqualTo(before.Image), "the larger engine and the batch's captions leave single generation as it was");
    }
}
