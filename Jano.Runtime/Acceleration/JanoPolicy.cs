using Jano.Runtime.Scheduling;

namespace Jano.Runtime.Acceleration;

/// <summary>
/// Jano as a policy: dense warm-up steps whose guided predictions feed the region analysis, then the
/// mask's order (active, medium, static) and per step the token count of its level
/// (<see cref="JanoPlanner"/> holds the schedule and what it recorded).
/// </summary>
public sealed class JanoPolicy(JanoPlanner planner) : IAccelerationPolicy
{
    public JanoPlanner Planner { get; } = planner;
    public string Method => "jano";
    public void Begin(ReadOnlySpan<float> initialLatents) => Planner.RecordInitialNoise(initialLatents);
    public int TokensFor(int step) => Planner.TokensFor(step);
    public int[]? AfterStep(int step, ReadOnlySpan<float> guidedPrediction) => Planner.AfterStep(step, guidedPrediction)?.Order;
}
