namespace Jano.Runtime.Acceleration;

/// <summary>
/// TaylorSeer (Liu et al., 2025) on the model output: every <c>interval</c> steps compute in full and
/// store the guided output; in between, forecast it from the stored outputs' finite differences of
/// order 1–2 (<see cref="TokenHistory"/>). The paper forecasts every block's features; we forecast the
/// model output, which needs no per-block buffers on any backend. Interval 1 is dense.
/// </summary>
public sealed class TaylorSeerPolicy(int tokens, int width, int interval, int order) : IAccelerationPolicy
{
    private readonly TokenHistory _history = new(tokens, width, order);

    public string Method => "taylorseer";
    public void Begin(ReadOnlySpan<float> initialLatents) => _history.Clear();
    public int TokensFor(int step) => tokens;

    public StepPlan Plan(int step, ReadOnlySpan<float> modelInput) =>
        (step - 1) % interval == 0 ? StepPlan.Compute(tokens) : StepPlan.Forecast;

    public void Refine(int step, StepPlan plan, ReadOnlySpan<int> order, Span<float> guidedRows)
    {
        for (var r = 0; r < tokens; r++)
        {
            var row = guidedRows.Slice(r * width, width);
            if (plan.Kind == StepKind.Forecast) _history.Forecast(order[r], step, _history.Order, row);
            else _history.Record(order[r], step, row);
        }
    }

    public int[]? AfterStep(int step, ReadOnlySpan<float> guidedPrediction) => null;
}
