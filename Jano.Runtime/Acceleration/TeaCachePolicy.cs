namespace Jano.Runtime.Acceleration;

/// <summary>
/// TeaCache: the first and last steps compute; in between a step reuses the blocks' residual of the last
/// computed step (<see cref="StepKind.ReuseBlocks"/>) while <see cref="TeaCacheGate"/> allows it.
/// </summary>
public sealed class TeaCachePolicy(int tokens, int steps, TeaCacheGate gate) : IAccelerationPolicy
{
    public string Method => "teacache";
    public bool ReusesBlocks => true;
    public void Begin(ReadOnlySpan<float> initialLatents) { }
    public int TokensFor(int step) => tokens;

    public StepPlan Plan(int step, ReadOnlySpan<float> modelInput)
    {
        var reuse = gate.MayReuse(modelInput);
        if (reuse && step != 1 && step != steps) return StepPlan.ReuseBlocks;
        gate.Computed();
        return StepPlan.Compute(tokens);
    }

    public int[]? AfterStep(int step, ReadOnlySpan<float> guidedPrediction) => null;
}
