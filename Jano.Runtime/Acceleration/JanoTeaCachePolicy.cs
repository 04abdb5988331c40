using Jano.Runtime.Scheduling;

namespace Jano.Runtime.Acceleration;

/// <summary>
/// jano+teacache: Jano's schedule, and TeaCache's gate may skip a whole step, but only one at Jano's
/// active-only level (the reference's rule): the step then reuses every cached output row (n = 0). The
/// gate observes every step's input; any computed step restarts its sum.
/// </summary>
public sealed class JanoTeaCachePolicy(JanoPlanner planner, TeaCacheGate gate) : IAccelerationPolicy
{
    public JanoPlanner Planner { get; } = planner;
    public string Method => "jano+teacache";
    public void Begin(ReadOnlySpan<float> initialLatents) => Planner.RecordInitialNoise(initialLatents);
    public int TokensFor(int step) => Planner.TokensFor(step);

    public StepPlan Plan(int step, ReadOnlySpan<float> modelInput)
    {
        var reuse = gate.MayReuse(modelInput);
        if (reuse && Planner.Mask is not null && Planner.Levels[step - 1] == StepLevel.Active)
        {
            Planner.Skip(step);
            return StepPlan.Compute(0);
        }
        gate.Computed();
        return StepPlan.Compute(Planner.TokensFor(step));
    }

    public int[]? AfterStep(int step, ReadOnlySpan<float> guidedPrediction) => Planner.AfterStep(step, guidedPrediction)?.Order;
}
