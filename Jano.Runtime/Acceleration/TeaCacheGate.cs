using System.Numerics.Tensors;

namespace Jano.Runtime.Acceleration;

/// <summary>
/// TeaCache's decision (Liu et al., 2024): accumulate the rescaled relative L1 change of the indicator
/// input between consecutive steps, poly(|x_t − x_{t−1}|₁ / |x_{t−1}|₁); while the sum stays under the
/// threshold the step may reuse, otherwise it computes and the sum restarts. Our indicator is the model
/// input (the latents the transformer takes): the first block's modulated input lives inside the pre
/// graphs and is not observable (docs/ACCELERATORS.md). Holds one copy of the previous input; nothing per step.
/// </summary>
public sealed class TeaCacheGate(int values, double threshold, IReadOnlyList<double> coefficients)
{
    private readonly float[] _previous = new float[values];
    private bool _hasPrevious;

    public double Accumulated { get; private set; }

    /// <summary>Observes a step's input; true when the step may reuse (a threshold ≤ 0 never does).</summary>
    public bool MayReuse(ReadOnlySpan<float> input)
    {
        var reuse = false;
        if (_hasPrevious && threshold > 0)
        {
            // A change is never negative; a polynomial evaluated outside the range it was fitted on can be,
            // and a negative term would let the sum shrink and the gate reuse forever.
            Accumulated += Math.Max(0, TeaCacheCalibration.Evaluate(coefficients, RelativeL1(input, _previous)));
            reuse = Accumulated < threshold;
        }
        input.CopyTo(_previous);
        _hasPrevious = true;
        return reuse;
    }

    /// <summary>The step computed: the sum restarts.</summary>
    public void Computed() => Accumulated = 0;

    /// <summary>|a − b|₁ / |b|₁ (0 when b is all zero), in double.</summary>
    public static double RelativeL1(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double diff = 0, norm = TensorPrimitives.SumOfMagnitudes(b);
        for (var i = 0; i < a.Length; i++) diff += Math.Abs(a[i] - b[i]);
        return norm == 0 ? 0 : diff / norm;
    }
}
