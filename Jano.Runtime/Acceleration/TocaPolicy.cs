namespace Jano.Runtime.Acceleration;

/// <summary>
/// ToCa (Zou et al., 2024), token-wise caching: every <c>interval</c> steps compute every token; in
/// between, recompute only the k = round(ratio · N) most important tokens (at least 1) and let the rest
/// keep their cached output, K and V. ToCa scores importance from attention maps, which our attention
/// does not expose; the proxy is the relative L1 change of a token's guided output between its last two
/// computations, plus <c>ageWeight</c> × the steps since it was last computed (ToCa's cache-age term).
/// The chosen tokens go first in a new scheduling order, so the engine computes them as a row prefix.
/// Ratio 1 (or interval 1) is dense.
/// </summary>
public sealed class TocaPolicy : IAccelerationPolicy
{
    private readonly int _tokens, _width, _interval, _selected;
    private readonly double _ageWeight;
    private readonly float[] _last;      // [tokens, width]: last computed guided row per token
    private readonly bool[] _hasLast;
    private readonly double[] _change;   // relative change at the token's last computation
    private readonly int[] _computedAt;
    private readonly double[] _keys;     // sort keys (−score) and the tokens they sort
    private readonly int[] _order;

    public TocaPolicy(int tokens, int width, double ratio, int interval, double ageWeight)
    {
        (_tokens, _width, _interval, _ageWeight) = (tokens, width, interval, ageWeight);
        _selected = SelectedCount(tokens, ratio);
        _last = new float[tokens * width];
        _hasLast = new bool[tokens];
        _change = new double[tokens];
        _computedAt = new int[tokens];
        _keys = new double[tokens];
        _order = new int[tokens];
    }

    /// <summary>Tokens a partial step recomputes: round(ratio · N), at least 1, at most N.</summary>
    public static int SelectedCount(int tokens, double ratio) => Math.Clamp((int)Math.Round(ratio * tokens, MidpointRounding.AwayFromZero), 1, tokens);

    public string Method => "toca";
    public void Begin(ReadOnlySpan<float> initialLatents) { Array.Clear(_hasLast); Array.Clear(_change); Array.Clear(_computedAt); }

    private bool IsFull(int step) => (step - 1) % _interval == 0 || _selected == _tokens;

    public int TokensFor(int step) => IsFull(step) ? _tokens : _selected;

    public void Refine(int step, StepPlan plan, ReadOnlySpan<int> order, Span<float> guidedRows)
    {
        for (var r = 0; r < plan.Tokens; r++)
        {
            var t = order[r];
            var row = guidedRows.Slice(r * _width, _width);
            var last = _last.AsSpan(t * _width, _width);
            if (_hasLast[t]) _change[t] = TeaCacheGate.RelativeL1(row, last);
            row.CopyTo(last);
            _hasLast[t] = true;
            _computedAt[t] = step;
        }
    }

    /// <summary>The order for the next step: when it is partial, the most important tokens first (ties by token).</summary>
    public int[]? AfterStep(int step, ReadOnlySpan<float> guidedPrediction)
    {
        if (IsFull(step + 1)) return null;
        for (var t = 0; t < _tokens; t++)
        {
            _order[t] = t;
            _keys[t] = -(_change[t] + _ageWeight * (step + 1 - _computedAt[t]));
        }
        Array.Sort(_keys, _order);
        // The chosen prefix in token order, the rest too: the order within each part changes no result.
        Array.Sort(_order, 0, _selected);
        Array.Sort(_order, _selected, _tokens - _selected);
        return _order;
    }
}
