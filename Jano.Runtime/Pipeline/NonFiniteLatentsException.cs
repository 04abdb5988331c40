using Jano.Core;

namespace Jano.Runtime.Pipeline;

/// <summary>
/// A generation stopped because the latents stopped being finite numbers (a NaN or an infinity): what
/// follows would decode to an all-black image. Says the step, which stage produced the value (the guided
/// prediction of the transformer, or the scheduler's step from a finite prediction) and the seed.
/// </summary>
public sealed class NonFiniteLatentsException(string message, int step, string stage, long seed)
    : InvalidOperationException(OneLine.Of(message))
{
    /// <summary>The step (1-based) after which the latents held the first non-finite value.</summary>
    public int Step { get; } = step;

    /// <summary><see cref="LatentGuard.PredictionStage"/> or <see cref="LatentGuard.SchedulerStage"/>.</summary>
    public string Stage { get; } = stage;

    public long Seed { get; } = seed;
}
