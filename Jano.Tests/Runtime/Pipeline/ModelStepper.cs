using Jano.Runtime.Sampling;
using Jano.Runtime.Schedulers;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>
/// The oracle for the orchestrated pipeline: the same scheduler stepped over the whole-model graph
/// (model.onnx), with guidance, starting from the same seeded noise, as a diffusers pipeline loop
/// does (noise · init_noise_sigma, scale_model_input, step).
/// </summary>
public static class ModelStepper
{
    /// <param name="scheduler">Set up (SetTimesteps) for the run.</param>
    public static float[] Run(string package, int channels, int size, float[] cond, int condTokens, float[] uncond, int uncondTokens,
        int captionWidth, IScheduler scheduler, double guidance, long seed)
    {
        var x = new float[channels * size * size];
        GaussianNoise.Fill(x, seed);
        for (var j = 0; j < x.Length; j++) x[j] *= (float)scheduler.InitNoiseSigma;
        var modelPath = Path.Combine(package, "model.onnx");
        int[] shape = [1, channels, size, size];
        var input = new float[x.Length];
        for (var i = 0; i < scheduler.Steps; i++)
        {
            float[] t = [scheduler.ModelTimestep(i)];
            scheduler.ScaleModelInput(i, x, input);
            var c = OnnxRunner.Run(modelPath, ("sample", input, shape), ("timestep", t, [1]), ("text_states", cond, [1, condTokens, captionWidth]))["out"];
            var u = OnnxRunner.Run(modelPath, ("sample", input, shape), ("timestep", t, [1]), ("text_states", uncond, [1, uncondTokens, captionWidth]))["out"];
            var plane = channels * size * size; // learned-sigma models: the first C channels are the prediction
            var guided = new float[plane];
            Guidance.Combine(c.AsSpan(0, plane), u.AsSpan(0, plane), (float)guidance, guided);
            scheduler.Step(i, guided, x);
        }
        return x;
    }
}
