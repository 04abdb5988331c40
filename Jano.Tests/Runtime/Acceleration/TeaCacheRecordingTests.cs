using Jano.Runtime;
using Jano.Runtime.Acceleration;
using Jano.Runtime.Pipeline;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Acceleration;

/// <summary>
/// The calibration hook on a tiny random package: the recorder's pairs are the relative L1 changes of
/// what the steps saw, computed here again by hand from copies of every step's buffers.
/// </summary>
public sealed class TeaCacheRecordingTests
{
    private TinyPixArt _model = null!;
    private TextToImagePipeline _pipeline = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 5);
        _model.Export();
        _pipeline = TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Threads = 1 });
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _pipeline.Dispose();
        _model.Dispose();
    }

    private sealed class BothRecorders(IStepRecorder a, IStepRecorder b) : IStepRecorder
    {
        public void Record(int step, int steps, ReadOnlySpan<float> modelInput, ReadOnlySpan<float> guidedPrediction)
        {
            a.Record(step, steps, modelInput, guidedPrediction);
            b.Record(step, steps, modelInput, guidedPrediction);
        }
    }

    [Test]
    public void TheRecorderPairsEveryStepWithTheOneBefore()
    {
        var copies = new CopyingRecorder();
        var recorder = new TeaCacheSampleRecorder();
        foreach (var seed in new[] { 3L, 4L })
            _pipeline.Generate(new GenerationRequest { Prompt = "a sandal", Seed = seed, Steps = 6, Recorder = new BothRecorders(copies, recorder) });

        Assert.That(copies.Steps.Select(s => s.Step), Is.EqualTo(new[] { 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6 }));
        var expected = new List<(double, double)>();
        for (var i = 1; i < copies.Steps.Count; i++)
        {
            if (copies.Steps[i].Step == 1) continue; // a new generation pairs nothing with the last one
            var (prev, now) = (copies.Steps[i - 1], copies.Steps[i]);
            expected.Add((StepRecordingOracle.HandRelativeL1(now.Input, prev.Input), StepRecordingOracle.HandRelativeL1(now.Output, prev.Output)));
        }
        Assert.That(recorder.Samples, Has.Count.EqualTo(10));
        for (var i = 0; i < expected.Count; i++)
        {
            // The runtime sums float32 magnitudes (TensorPrimitives); the oracle sums in double: they agree to float precision.
            Assert.That(recorder.Samples[i].InputChange, Is.EqualTo(expected[i].Item1).Within(1e-6 * expected[i].Item1), $"sample {i} input");
            Assert.That(recorder.Samples[i].OutputChange, Is.EqualTo(expected[i].Item2).Within(1e-6 * expected[i].Item2), $"sample {i} output");
            Assert.That(recorder.Samples[i].InputChange, Is.GreaterThan(0), "the latents move every step");
        }
        Assert.That(recorder.StepsOf.Select(s => s.Step), Is.EqualTo(new[] { 2, 3, 4, 5, 6, 2, 3, 4, 5, 6 }));
        Assert.That(TeaCacheRecording.DecisionSamples(recorder), Is.EqualTo(recorder.Samples.Where((_, i) => i % 5 != 4).ToList()),
            "the last step of each run is left out");
    }

    [Test]
    public void RecordingChangesNoImage()
    {
        var request = new GenerationRequest { Prompt = "a bag", Seed = 9, Steps = 5 };
        var plain = _pipeline.Generate(request).Image;
        var recorded = _pipeline.Generate(request with { Recorder = new TeaCacheSampleRecorder() }).Image;
        Assert.That(recorded, Is.EqualTo(plain));
    }

    [Test]
    public void AStepOutOfOrderIsRefused()
    {
        var recorder = new TeaCacheSampleRecorder();
        recorder.Record(1, 4, [1f], [1f]);
        var e = Assert.Throws<InvalidOperationException>(() => recorder.Record(3, 4, [1f], [1f]));
        Assert.That(e!.Message, Does.Contain("step 3 recorded after step 1"));
    }
}
