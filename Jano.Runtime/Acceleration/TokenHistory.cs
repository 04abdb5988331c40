namespace Jano.Runtime.Acceleration;

/// <summary>
/// Per token, its last (order + 1) computed output rows and the steps that computed them, indexed by token
/// (not row), so a new scheduling order changes nothing. A forecast extrapolates each token from its own
/// samples by Newton's divided differences: exact for polynomials in the step of degree ≤ the samples
/// used − 1, at any spacing of the steps. Allocated once; nothing per step.
/// </summary>
public sealed class TokenHistory
{
    private readonly int _width, _depth;
    private readonly float[] _rows;   // [depth, tokens, width]: slot k of token t at (k · tokens + t) · width
    private readonly int[] _steps;    // [tokens, depth]: newest first
    private readonly int[] _count;    // samples held per token (≤ depth)
    private readonly int[] _newest;   // slot of the newest sample per token
    private readonly int _tokens;

    public TokenHistory(int tokens, int width, int order)
    {
        if (order is < 1 or > 2) throw new ArgumentOutOfRangeException(nameof(order), order, "order must be 1 or 2");
        (_tokens, _width, _depth) = (tokens, width, order + 1);
        _rows = new float[_depth * tokens * width];
        _steps = new int[tokens * _depth];
        _count = new int[tokens];
        _newest = new int[tokens];
        Order = order;
    }

    public int Order { get; }

    public int Count(int token) => _count[token];

    /// <summary>The step that last computed a token (0: never).</summary>
    public int LastStep(int token) => _count[token] == 0 ? 0 : _steps[token * _depth];

    public void Clear() => Array.Clear(_count);

    /// <summary>Stores a token's row as computed at <paramref name="step"/>.</summary>
    public void Record(int token, int step, ReadOnlySpan<float> row)
    {
        var slot = _count[token] == 0 ? 0 : (_newest[token] + 1) % _depth;
        row.CopyTo(_rows.AsSpan((slot * _tokens + token) * _width, _width));
        _newest[token] = slot;
        var steps = _steps.AsSpan(token * _depth, _depth);
        for (var k = _depth - 1; k > 0; k--) steps[k] = steps[k - 1];
        steps[0] = step;
        if (_count[token] < _depth) _count[token]++;
    }

    /// <summary>The newest stored row of a token.</summary>
    public ReadOnlySpan<float> Newest(int token) => Row(token, 0);

    /// <summary>Row of the k-th newest sample (0: newest).</summary>
    private ReadOnlySpan<float> Row(int token, int k)
    {
        var slot = (_newest[token] - k + _depth) % _depth;
        return _rows.AsSpan((slot * _tokens + token) * _width, _width);
    }

    /// <summary>
    /// Writes a token's forecast at <paramref name="step"/> into <paramref name="destination"/> with up to
    /// <paramref name="order"/> divided differences (fewer when fewer samples are held); false, untouched,
    /// when the token has no sample.
    /// </summary>
    public bool Forecast(int token, int step, int order, Span<float> destination)
    {
        var held = _count[token];
        if (held == 0) return false;
        var use = Math.Min(order, held - 1);
        var s = _steps.AsSpan(token * _depth, _depth);
        var y0 = Row(token, 0);
        if (use == 0) { y0.CopyTo(destination); return true; }
        var y1 = Row(token, 1);
        double h0 = step - s[0], d01 = s[0] - s[1];
        if (use == 1)
        {
            for (var i = 0; i < _width; i++) destination[i] = (float)(y0[i] + h0 * ((y0[i] - (double)y1[i]) / d01));
            return true;
        }
        var y2 = Row(token, 2);
        double d12 = s[1] - s[2], d02 = s[0] - s[2], h1 = step - s[1];
        for (var i = 0; i < _width; i++)
        {
            var f01 = (y0[i] - (double)y1[i]) / d01;
            var f12 = (y1[i] - (double)y2[i]) / d12;
            destination[i] = (float)(y0[i] + h0 * f01 + h0 * h1 * ((f01 - f12) / d02));
        }
        return true;
    }
}
