namespace Jano.Runtime.Acceleration;

/// <summary>
/// FORA (Selvaraju et al., 2024): every block's attention and MLP outputs are computed every
/// <c>interval</c> steps and reused in between. Every block is reused at once, so the sum of their cached
/// outputs is the residual the whole stack added at the last full step: reuse steps embed the new input,
/// add that residual and run the final layer (<see cref="StepKind.ReuseBlocks"/>). Interval 1 is dense.
/// </summary>
public sealed class ForaPolicy(int tokens, int interval) : IAccelerationPolicy
{
    public string Method => "fora";
    public bool ReusesBlocks => interval > 1;
    public void Begin(ReadOnlySpan<float> initialLatents) { }
    public int TokensFor(int step) => tokens;
    public StepPlan Plan(int step, ReadOnlySpan<float> modelInput) =>
        (step - 1) % interval == 0 ? StepPlan.Compute(tokens) : StepPlan.ReuseBlocks;
    public int[]? AfterStep(int step, ReadOnlySpan<float> guidedPrediction) => null;
}
