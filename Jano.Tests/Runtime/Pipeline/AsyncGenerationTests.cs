using Jano.Runtime;
using Jano.Runtime.Pipeline;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>
/// GenerateAsync and GenerateManyAsync on a tiny random package, against the synchronous Generate as the
/// oracle: same images, every stage and step reported in order, refusals before any work.
/// </summary>
[TestFixture]
public sealed class AsyncGenerationTests
{
    private TinyPixArt _model = null!;
    private TextToImagePipeline _pipeline = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 11);
        _model.Export();
        _pipeline = TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Threads = 1 });
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _pipeline.Dispose();
        _model.Dispose();
    }

    private static GenerationRequest Request(long seed = 3, int steps = 4) => new() { Prompt = "a dress", Seed = seed, Steps = steps };

    [Test]
    public async Task GenerateAsyncGivesTheImageGenerateGives()
    {
        var expected = _pipeline.Generate(Request()).Image;
        var result = await _pipeline.GenerateAsync(Request());
        Assert.That(result.Image, Is.EqualTo(expected));
    }

    [Test]
    public async Task ProgressNamesEveryStageAndEveryStepInOrder()
    {
        var progress = new RecordingProgress();
        await _pipeline.GenerateAsync(Request(steps: 3), progress);
        var seen = progress.Reports.Select(r => (r.Stage, r.Step, r.Steps)).ToList();
        Assert.That(seen, Is.EqualTo(new[]
        {
            (GenerationStage.Encoding, 0, 3), (GenerationStage.Denoising, 0, 3),
            (GenerationStage.Denoising, 1, 3), (GenerationStage.Denoising, 2, 3), (GenerationStage.Denoising, 3, 3),
            (GenerationStage.Decoding, 3, 3), (GenerationStage.Completed, 3, 3),
        }));
        var tokens = _pipeline.Package.Manifest.Geometry.Tokens;
        Assert.That(progress.Reports.Where(r => r.Stage == GenerationStage.Denoising && r.Step > 0).Select(r => r.Tokens), Is.All.EqualTo(tokens), "dense: every token");
        Assert.That(progress.Reports.All(r => r.Index == 0));
    }

    [Test]
    public void AnAlreadyCancelledTokenDoesNoWork()
    {
        var progress = new RecordingProgress();
        var task = _pipeline.GenerateAsync(Request(), progress, new CancellationToken(canceled: true));
        Assert.That(task.IsCanceled, Is.True);
        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), async () => await task);
        Assert.That(progress.Reports, Is.Empty);
    }

    [Test]
    public async Task ASecondGenerationWhileOneRunsIsRefusedAtOnce()
    {
        using var inFirstStep = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var progress = new RecordingProgress(r =>
        {
            if (r.Stage != GenerationStage.Denoising || r.Step != 1) return;
            inFirstStep.Set();
            release.Wait(); // holds the first run inside its loop until the refusals below are checked
        });
        var first = _pipeline.GenerateAsync(Request(), progress);
        Assert.That(inFirstStep.Wait(TimeSpan.FromMinutes(2)), Is.True, "the first run reached its first step");
        try
        {
            var async = Assert.Throws<InvalidOperationException>(() => _pipeline.GenerateAsync(Request()));
            Assert.That(async!.Message, Does.Contain("one generation at a time"));
            Assert.Throws<InvalidOperationException>(() => _pipeline.Generate(Request()));
            Assert.Throws<InvalidOperationException>(() => _pipeline.GenerateBatch([Request(), Request(seed: 4)]));
        }
        finally
        {
            release.Set();
        }
        var image = (await first).Image;
        Assert.That(_pipeline.Generate(Request()).Image, Is.EqualTo(image), "free again once the first run ended");
    }

    [Test]
    public async Task ABatchYieldsEachRequestsImageInOrder()
    {
        var requests = new[] { Request(seed: 1), Request(seed: 2) with { Prompt = "a bag" }, Request(seed: 3, steps: 2) };
        var expected = requests.Select(r => _pipeline.Generate(r).Image).ToList();
        var progress = new RecordingProgress();
        var images = new List<float[]>();
        await foreach (var result in _pipeline.GenerateManyAsync(requests, progress)) images.Add(result.Image);
        Assert.That(images, Has.Count.EqualTo(3));
        for (var i = 0; i < 3; i++) Assert.That(images[i], Is.EqualTo(expected[i]), $"request {i}");
        var completed = progress.Reports.Where(r => r.Stage == GenerationStage.Completed).Select(r => r.Index);
        Assert.That(completed, Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public void ABatchRefusesABadRequestBeforeTheFirstRuns()
    {
        var progress = new RecordingProgress();
        var requests = new[] { Request(), Request() with { Width = 9, Height = 8 }, Request() };
        var e = Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in _pipeline.GenerateManyAsync(requests, progress)) { }
        });
        Assert.That(e!.Message, Does.StartWith("request 1: size 9x8"));
        Assert.That(progress.Reports, Is.Empty, "nothing ran");
    }

    [Test]
    public void ABatchStopsWhenCancelledAndTheNextRunIsUnaffected()
    {
        using var cts = new CancellationTokenSource();
        var progress = new RecordingProgress(r =>
        {
            if (r.Index == 1 && r.Stage == GenerationStage.Denoising && r.Step == 2) cts.Cancel();
        });
        var yielded = 0;
        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), async () =>
        {
            await foreach (var _ in _pipeline.GenerateManyAsync([Request(seed: 1), Request(seed: 2), Request(seed: 3)], progress, cts.Token)) yielded++;
        });
        Assert.That(yielded, Is.EqualTo(1));
        Assert.That(progress.Reports.Max(r => r.Index), Is.EqualTo(1), "the third request never started");
    }
}
