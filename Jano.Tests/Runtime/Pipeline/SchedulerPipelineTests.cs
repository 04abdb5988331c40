using Jano.Core.Acceleration;
using Jano.Core.Schedulers;
using Jano.Runtime;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Schedulers;
using Jano.Runtime.Scheduling;
using Jano.Tests.Export;
using Jano.Tests.Runtime.Schedulers;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>
/// Packages exported with a diffusers scheduler config run that class: the pipeline against the
/// whole-model graph stepped with the same scheduler as a diffusers loop would (DPM-Solver++ as
/// PixArt ships it on a learned-sigma model, whose variance channels the pipeline drops before the
/// scheduler; Euler, which scales the noise and the model input), and under Jano every step still
/// reaches the scheduler.
/// </summary>
[TestFixture]
public sealed class SchedulerPipelineTests
{
    private TinyPixArt _dpm = null!;
    private TinyPixArt _euler = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _dpm = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 3, outChannels: 6, caption: 384, seed: 41, sampler: null);
        _dpm.WriteSchedulerConfig(SchedulerConfigsJson.PixArtDpmSolver);
        _dpm.Export();
        _euler = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 42, sampler: null);
        _euler.WriteSchedulerConfig(SchedulerConfigsJson.Euler);
        _euler.Export();
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _dpm.Dispose();
        _euler.Dispose();
    }

    [TestCase("dpm", DpmSolverMultistepConfig.Name, 6)]
    [TestCase("euler", EulerDiscreteConfig.Name, 5)]
    public void PipelineEqualsSteppingTheWholeModelGraphWithTheSameScheduler(string which, string className, int steps)
    {
        var model = which == "dpm" ? _dpm : _euler;
        using var pipeline = TextToImagePipeline.Open(model.Package, new RuntimeOptions { Threads = 1 });
        Assert.That(pipeline.Scheduler.Name, Is.EqualTo(className));
        var result = pipeline.Generate(new GenerationRequest { Prompt = "a sneaker", Seed = 5, Steps = steps, Guidance = 3.0 });
        Assert.That(result.Sampler, Is.EqualTo(className), "the sidecar names the scheduler class");
        var cond = pipeline.EncodePrompt("a sneaker");
        var uncond = pipeline.EncodePrompt("");
        var c = model.Config;
        var scheduler = SchedulerFactory.Create(pipeline.Package.Manifest.Components.Scheduler);
        scheduler.SetTimesteps(steps);
        var expected = ModelStepper.Run(model.Package, c.InChannels, c.SampleSize, cond.States, cond.Tokens,
            uncond.States, uncond.Tokens, c.CaptionChannels, scheduler, 3.0, 5);
        Assert.That(TestData.MaxAbsDiff(result.Image, expected), Is.LessThanOrEqualTo(1e-4 * Math.Max(1, expected.Max(Math.Abs))));
        Assert.That(result.Image.Any(v => Math.Abs(v) > 1e-3), "the result is not trivially zero");
    }

    [Test]
    public void UnderJanoEveryStepReachesTheMultistepScheduler()
    {
        using var pipeline = TextToImagePipeline.Open(_dpm.Package, new RuntimeOptions { Threads = 1 });
        var tokens = pipeline.Package.Manifest.Geometry.Tokens;
        var jano = new JanoOptions { Warmup = 2, Cooldown = 1, StaticInterval = 4, MediumInterval = 2, BlockHeight = 2, BlockWidth = 2 };
        GenerationRequest Request(TokenMask mask) => new() { Prompt = "a coat", Seed = 8, Steps = 10, Guidance = 3.0, Jano = jano, ForcedMask = mask };

        var dense = pipeline.Generate(new GenerationRequest { Prompt = "a coat", Seed = 8, Steps = 10, Guidance = 3.0 }).Image;
        var allActive = pipeline.Generate(Request(TokenMask.Forced(tokens, 1, 0, seed: 2)));
        Assert.That(TestData.MaxAbsDiff(allActive.Image, dense), Is.LessThanOrEqualTo(1e-6), "Jano with every token active equals dense, multistep state included");

        var partial = pipeline.Generate(Request(TokenMask.Forced(tokens, 0.25, 0.25, seed: 5)));
        Assert.That(partial.Jano!.TokensPerStep.Min(), Is.LessThan(tokens), "some steps reused outputs");
        Assert.That(partial.Image.All(float.IsFinite));
        // The scheduler saw all 10 steps in order: an 11th is refused as past the end.
        var e = Assert.Throws<InvalidOperationException>(() => pipeline.Scheduler.Step(10, new float[dense.Length], new float[dense.Length]))!;
        Assert.That(e.Message, Does.Contain("after the last of 10 steps"));
    }
}
