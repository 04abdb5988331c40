using Jano.Runtime;
using Jano.Runtime.Imaging;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Schedulers;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>The orchestrated stage pipeline against the whole-model graph stepped with the same sampler.</summary>
[TestFixture]
public sealed class PipelineTests
{
    private TinyPixArt _flow = null!;
    private TinyPixArt _ddim = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _flow = new TinyPixArt(layers: 3, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 11, sampler: "flow-euler");
        _flow.Export();
        // Learned-sigma epsilon model, as PixArt and DiT releases: out = 2·in, DDIM.
        _ddim = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 3, outChannels: 6, caption: 384, seed: 12, sampler: "ddim");
        _ddim.Export();
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _flow.Dispose();
        _ddim.Dispose();
    }

    private static void AssertPipelineMatchesModelGraph(TinyPixArt model, int steps, double guidance, long seed)
    {
        using var pipeline = TextToImagePipeline.Open(model.Package, new RuntimeOptions { Threads = 1 });
        var result = pipeline.Generate(new GenerationRequest { Prompt = "a sneaker", Seed = seed, Steps = steps, Guidance = guidance });
        var cond = pipeline.EncodePrompt("a sneaker");
        var uncond = pipeline.EncodePrompt("");
        var c = model.Config;
        var scheduler = SchedulerFactory.Create(pipeline.Package.Manifest.Components.Scheduler);
        scheduler.SetTimesteps(steps);
        var expected = ModelStepper.Run(model.Package, c.InChannels, c.SampleSize, cond.States, cond.Tokens,
            uncond.States, uncond.Tokens, c.CaptionChannels, scheduler, guidance, seed);
        Assert.That(TestData.MaxAbsDiff(result.Image, expected), Is.LessThanOrEqualTo(1e-4));
        Assert.That(result.Image.Any(v => Math.Abs(v) > 1e-3), "the result is not trivially zero");
    }

    [Test]
    public void FlowPipelineEqualsSteppingTheWholeModelGraph() => AssertPipelineMatchesModelGraph(_flow, steps: 6, guidance: 4.5, seed: 3);

    [Test]
    public void DdimLearnedSigmaPipelineEqualsSteppingTheWholeModelGraph() => AssertPipelineMatchesModelGraph(_ddim, steps: 5, guidance: 3.0, seed: 4);

    [Test]
    public void SameSeedGivesIdenticalBytesAndAnotherSeedDoesNot()
    {
        using var pipeline = TextToImagePipeline.Open(_flow.Package, new RuntimeOptions { Threads = 1 });
        var request = new GenerationRequest { Prompt = "an ankle boot", Seed = 9, Steps = 4 };
        var a = Path.Combine(_flow.Folder, "a.png");
        var b = Path.Combine(_flow.Folder, "b.png");
        var c = Path.Combine(_flow.Folder, "c.png");
        ImageWriter.SavePng(a, [pipeline.Generate(request).Image], 1, 8, 8);
        ImageWriter.SavePng(b, [pipeline.Generate(request).Image], 1, 8, 8);
        ImageWriter.SavePng(c, [pipeline.Generate(request with { Seed = 10 }).Image], 1, 8, 8);
        Assert.That(File.ReadAllBytes(b), Is.EqualTo(File.ReadAllBytes(a)));
        Assert.That(File.ReadAllBytes(c), Is.Not.EqualTo(File.ReadAllBytes(a)));
    }

    [Test]
    public void OnnxRuntimeMultiHeadAttentionBackendGivesTheSameImage()
    {
        var request = new GenerationRequest { Prompt = "a dress", Seed = 21, Steps = 4 };
        using var kernel = TextToImagePipeline.Open(_flow.Package, new RuntimeOptions { Threads = 1, Attention = "kernel" });
        using var ort = TextToImagePipeline.Open(_flow.Package, new RuntimeOptions { Threads = 1, Attention = "ort" });
        Assert.That(TestData.MaxAbsDiff(ort.Generate(request).Image, kernel.Generate(request).Image), Is.LessThanOrEqualTo(1e-4));
    }

    [TestCase("ort")]
    [TestCase("kernel")]
    public void DenseStepsAllocateNothingOnTheManagedHeap(string attention)
    {
        // Per-step cost = (allocations of a long run − those of a short run) / extra steps; the
        // per-image setup (result arrays, sampler) cancels out.
        using var pipeline = TextToImagePipeline.Open(_flow.Package, new RuntimeOptions { Threads = 1, Attention = attention });
        var request = new GenerationRequest { Prompt = "a coat", Seed = 1, Steps = 3 };
        pipeline.Generate(request);
        pipeline.Generate(request with { Steps = 13 });
        long Allocated(int steps)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            pipeline.Generate(request with { Steps = steps });
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        var perStep = (Allocated(13) - Allocated(3)) / 10.0;
        Assert.That(perStep, Is.LessThan(256), "bytes allocated per extra step");
    }

    [Test]
    public void GuidanceOneRunsOnlyTheConditionalBranchAndStillMatches() => AssertPipelineMatchesModelGraph(_flow, steps: 3, guidance: 1.0, seed: 5);
}
