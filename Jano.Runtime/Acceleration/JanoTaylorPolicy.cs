using Jano.Runtime.Scheduling;

namespace Jano.Runtime.Acceleration;

/// <summary>
/// jano+taylor (ours): Jano's schedule and compute unchanged, but a frozen token's guided output is not
/// its stale value: a first-order forecast from its last two computed outputs (each token its own steps).
/// Computed rows are recorded; frozen rows with two samples are overwritten.
/// </summary>
public sealed class JanoTaylorPolicy(JanoPlanner planner, int width) : IAccelerationPolicy
{
    private readonly TokenHistory _history = new(TokensOf(planner), width, 1);
    private readonly int _tokens = TokensOf(planner);

    private static int TokensOf(JanoPlanner p) => p.Tokens;

    public JanoPlanner Planner { get; } = planner;
    public string Method => "jano+taylor";
    public void Begin(ReadOnlySpan<float> initialLatents) { _history.Clear(); Planner.RecordInitialNoise(initialLatents); }
    public int TokensFor(int step) => Planner.TokensFor(step);

    public void Refine(int step, StepPlan plan, ReadOnlySpan<int> order, Span<float> guidedRows)
    {
        for (var r = 0; r < _tokens; r++)
        {
            var row = guidedRows.Slice(r * width, width);
            if (r < plan.Tokens) _history.Record(order[r], step, row);
            else if (_history.Count(order[r]) >= 2) _history.Forecast(order[r], step, 1, row);
        }
    }

    public int[]? AfterStep(int step, ReadOnlySpan<float> guidedPrediction) => Planner.AfterStep(step, guidedPrediction)?.Order;
}
