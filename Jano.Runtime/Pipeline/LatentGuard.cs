using System.Numerics.Tensors;

namespace Jano.Runtime.Pipeline;

/// <summary>
/// The check after every denoising step that the latents are still finite. One vectorised pass
/// (TensorPrimitives.MaxMagnitude propagates NaN and returns an infinity when there is one), over the
/// latents only: the prediction is looked at only once the latents have failed, to say which stage
/// produced the value. A NaN weight, an overflow in a float16 graph or a diverging scheduler would
/// otherwise run to the end and write an all-black image with exit code 0.
/// </summary>
public static class LatentGuard
{
    public const string PredictionStage = "guided prediction";
    public const string SchedulerStage = "scheduler step";

    /// <summary>True when every value is finite.</summary>
    public static bool AllFinite(ReadOnlySpan<float> values) => values.IsEmpty || float.IsFinite(TensorPrimitives.MaxMagnitude(values));

    /// <summary>Throws <see cref="NonFiniteLatentsException"/> when the latents after step <paramref name="step"/> (1-based) hold a NaN or an infinity.</summary>
    public static void AfterStep(ReadOnlySpan<float> latents, ReadOnlySpan<float> prediction, int step, int steps, long seed)
    {
        if (AllFinite(latents)) return;
        var stage = AllFinite(prediction) ? SchedulerStage : PredictionStage;
        var (count, first) = Count(stage == PredictionStage ? prediction : latents);
        var producer = stage == PredictionStage
            ? "the transformer's guided prediction (NaN or infinite weights, or an overflow in a float16 graph)"
            : "the scheduler's step from a finite prediction";
        throw new NonFiniteLatentsException(
            $"generation stopped at step {step} of {steps} (seed {seed}): the {stage} holds {count} non-finite value{(count == 1 ? "" : "s")} (first at element {first}), produced by {producer}; an image decoded from it would be black",
            step, stage, seed);
    }

    private static (int Count, int First) Count(ReadOnlySpan<float> values)
    {
        int count = 0, first = -1;
        for (var i = 0; i < values.Length; i++)
        {
            if (float.IsFinite(values[i])) continue;
            if (first < 0) first = i;
            count++;
        }
        return (count, first);
    }
}
