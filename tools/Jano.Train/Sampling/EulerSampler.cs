using Jano.Train.Data;
using Jano.Train.Model;
using Jano.Train.Training;
using static TorchSharp.torch;

namespace Jano.Train.Sampling;

/// <summary>
/// Euler integration of the learned velocity from σ=1 (noise) to σ=0 with classifier-free guidance
/// v = v_u + g·(v_c − v_u). The σ grid is uniform, then shifted as diffusers' FlowMatchEulerDiscreteScheduler
/// does (σ' = shift·σ/(1+(shift−1)·σ)), which spends more steps at high noise.
/// </summary>
public static class EulerSampler
{
    public static double[] Sigmas(int steps, double shift) =>
        Enumerable.Range(0, steps + 1).Select(i =>
        {
            double s = 1.0 - i / (double)steps;
            return shift * s / (1 + (shift - 1) * s);
        }).ToArray();

    /// <returns>[prompts.Count, C, S, S] in about [−1, 1]</returns>
    public static Tensor Sample(FlowModel model, CaptionCache captions, IReadOnlyList<string> prompts,
        int steps, double guidance, double shift, Generator generator)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        int n = prompts.Count;
        // One batch of 2n: the n conditional captions, then n copies of the empty one.
        var indices = prompts.Select(captions.IndexOf).Concat(Enumerable.Repeat(captions.IndexOf(Captions.Empty), n))
            .Select(i => (long)i).ToArray();
        var (states, mask) = captions.Batch(indices);

        var x = randn([n, model.ImageChannels, model.ImageSize, model.ImageSize], generator: generator);
        var sigmas = Sigmas(steps, shift);
        for (int i = 0; i < steps; i++)
        {
            using var stepScope = NewDisposeScope();
            var sigma = full(2 * n, (float)sigmas[i]);
            var v = model.Velocity(cat([x, x]), sigma, states, mask).chunk(2);
            var guided = v[1] + guidance * (v[0] - v[1]);
            var next = x + (float)(sigmas[i + 1] - sigmas[i]) * guided;
            x = next.MoveToOuterDisposeScope();
        }
        return x.MoveToOuterDisposeScope();
    }
}
