using Jano.Runtime.Sampling;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>
/// The oracle for the orchestrated pipeline: the same sampler stepped over the whole-model graph
/// (model.onnx), with guidance, starting from the same seeded noise.
/// </summary>
public static class ModelStepper
{
    public static float[] Run(string package, int channels, int size, float[] cond, int condTokens, float[] uncond, int uncondTokens,
        int captionWidth, ISampler sampler, double guidance, long seed)
    {
        var x = new float[channels * size * size];
        GaussianNoise.Fill(x, seed);
        var modelPath = Path.Combine(package, "model.onnx");
        int[] shape = [1, channels, size, size];
        for (var i = 0; i < sampler.Steps; i++)
        {
            float[] t = [sampler.ModelTimestep(i)];
            var c = OnnxRunner.Run(modelPath, ("sample", x, shape), ("timestep", t, [1]), ("text_states", cond, [1, condTokens, captionWidth]))["out"];
            var u = OnnxRunner.Run(modelPath, ("sample", x, shape), ("timestep", t, [1]), ("text_states", uncond, [1, uncondTokens, captionWidth]))["out"];
            var plane = channels * size * size; // learned-sigma models: the first C channels are the prediction
            var guided = new float[plane];
            Guidance.Combine(c.AsSpan(0, plane), u.AsSpan(0, plane), (float)guidance, guided);
            sampler.Step(i, guided, x);
        }
        return x;
    }
}
