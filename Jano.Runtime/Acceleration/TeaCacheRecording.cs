using Jano.Runtime.Pipeline;

namespace Jano.Runtime.Acceleration;

/// <summary>
/// The dense runs TeaCache's calibration records (`jano calibrate`): every prompt × seed at every step
/// count asked for, dense (no method, no Jano), each step's model input and guided prediction through a
/// <see cref="TeaCacheSampleRecorder"/>.
/// </summary>
public static class TeaCacheRecording
{
    /// <param name="onRun">Called after each generation with (runs done, runs in all), for progress.</param>
    public static TeaCacheSampleRecorder Record(
        TextToImagePipeline pipeline, IReadOnlyList<string> prompts, int seeds, IReadOnlyList<int> steps, double? guidance = null,
        Action<int, int>? onRun = null)
    {
        var recorder = new TeaCacheSampleRecorder();
        var total = prompts.Count * seeds * steps.Count;
        var done = 0;
        foreach (var stepCount in steps)
            foreach (var prompt in prompts)
                for (var seed = 0; seed < seeds; seed++)
                {
                    pipeline.Generate(new GenerationRequest { Prompt = prompt, Seed = seed, Steps = stepCount, Guidance = guidance, Recorder = recorder });
                    onRun?.Invoke(++done, total);
                }
        return recorder;
    }

    /// <summary>
    /// The samples a TeaCache gate can act on: every step but the last, which always computes (so its
    /// change, the largest of a run as the prediction sharpens, would only pull the fit away from the
    /// steps that are decided).
    /// </summary>
    public static List<(double InputChange, double OutputChange)> DecisionSamples(TeaCacheSampleRecorder recorder) =>
        [.. recorder.Samples.Where((_, i) => recorder.StepsOf[i].Step < recorder.StepsOf[i].Steps)];
}
