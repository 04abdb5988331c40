namespace Jano.Runtime.Acceleration;

/// <summary>Every step computes every token in natural order: the reference every method is compared with.</summary>
public sealed class DensePolicy(int tokens) : IAccelerationPolicy
{
    public string Method => "dense";
    public void Begin(ReadOnlySpan<float> initialLatents) { }
    public int TokensFor(int step) => tokens;
    public int[]? AfterStep(int step, ReadOnlySpan<float> guidedPrediction) => null;
}
