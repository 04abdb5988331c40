using Jano.Cli;
using Jano.Runtime.Pipeline;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>
/// A cancelled generation on the default model, with its Jano preset (so the engine's token order, caches
/// and the planner are mid-run when it stops), leaves the pipeline as good as new: the next image equals
/// the image of a pipeline that never ran.
/// </summary>
[TestFixture]
public sealed class CancelledRunTests
{
    [Test]
    public async Task AfterACancelledRunThePipelineGeneratesWhatAFreshOneDoes()
    {
        var folder = DefaultModel.Locate();
        using var pipeline = TextToImagePipeline.Open(folder);
        var manifest = pipeline.Package.Manifest;
        var jano = manifest.JanoPresets![manifest.DefaultJanoPreset!];
        var steps = manifest.Defaults.Steps;
        var cancelAt = jano.Warmup + 3; // past the warm-up: the order is permuted and most steps reuse caches

        using var cts = new CancellationTokenSource();
        var progress = new RecordingProgress(r =>
        {
            if (r.Stage == GenerationStage.Denoising && r.Step == cancelAt) cts.Cancel();
        });
        var cancelled = new GenerationRequest { Prompt = "a sandal", Seed = 41, Jano = jano };
        var task = pipeline.GenerateAsync(cancelled, progress, cts.Token);
        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), async () => await task);
        Assert.That(task.IsCanceled, Is.True);
        var lastStep = progress.Reports.Where(r => r.Stage == GenerationStage.Denoising).Max(r => r.Step);
        Assert.That(lastStep, Is.EqualTo(cancelAt), "stopped before the step after the cancel");
        Assert.That(progress.Reports.Any(r => r.Stage is GenerationStage.Decoding or GenerationStage.Completed), Is.False);
        Assert.That(cancelAt, Is.LessThan(steps));

        var next = new GenerationRequest { Prompt = "an ankle boot", Seed = 7, Jano = jano };
        var afterCancel = await pipeline.GenerateAsync(next);
        using var fresh = TextToImagePipeline.Open(folder);
        var expected = fresh.Generate(next);
        Assert.That(afterCancel.Image, Is.EqualTo(expected.Image));
        Assert.That(afterCancel.Jano!.TokensPerStep, Is.EqualTo(expected.Jano!.TokensPerStep));
        Assert.That(afterCancel.Jano.TokensPerStep.Min(), Is.LessThan(manifest.Geometry.Tokens), "Jano skipped tokens in the run compared");
    }
}
