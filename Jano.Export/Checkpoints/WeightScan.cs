using System.Numerics.Tensors;

namespace Jano.Export.Checkpoints;

/// <summary>
/// The values of one tensor a package cannot hold as numbers: NaN, +Inf, −Inf, and finite values at or
/// beyond <paramref name="Limit"/> (float32 exports: 1e20, where a matmul overflows; float16 exports:
/// 65520, from which a half rounds to infinity).
/// </summary>
public readonly record struct WeightScan(long NaN, long PositiveInfinity, long NegativeInfinity, long BeyondLimit, float Limit)
{
    /// <summary>The element index and value of the first unusable value; −1 when there is none.</summary>
    public long FirstIndex { get; init; } = -1;
    public float FirstValue { get; init; }

    /// <summary>Finite weights at or beyond this overflow in a float32 graph's first products.</summary>
    public const float Float32Limit = 1e20f;

    /// <summary>The smallest magnitude float16 rounds to infinity (65504 is its largest finite value).</summary>
    public const float Float16Limit = 65520f;

    public long Count => NaN + PositiveInfinity + NegativeInfinity + BeyondLimit;

    /// <summary>
    /// Counts the unusable values. One vectorised pass decides the usual case (MaxMagnitude propagates
    /// NaN and returns an infinity when there is one); only a tensor that fails it is counted value by value.
    /// </summary>
    public static WeightScan Of(ReadOnlySpan<float> values, float limit)
    {
        if (values.IsEmpty) return new WeightScan(0, 0, 0, 0, limit);
        var largest = MathF.Abs(TensorPrimitives.MaxMagnitude(values));
        if (largest < limit) return new WeightScan(0, 0, 0, 0, limit); // false for NaN
        long nan = 0, positive = 0, negative = 0, beyond = 0, first = -1;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (float.IsNaN(v)) nan++;
            else if (float.IsPositiveInfinity(v)) positive++;
            else if (float.IsNegativeInfinity(v)) negative++;
            else if (MathF.Abs(v) >= limit) beyond++;
            else continue;
            if (first < 0) first = i;
        }
        return new WeightScan(nan, positive, negative, beyond, limit) { FirstIndex = first, FirstValue = first < 0 ? 0 : values[(int)first] };
    }

    /// <summary>"2 NaN, 1 +Inf, 3 beyond ±65520 (float16's range)", the kinds present only.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (NaN > 0) parts.Add($"{NaN} NaN");
        if (PositiveInfinity > 0) parts.Add($"{PositiveInfinity} +Inf");
        if (NegativeInfinity > 0) parts.Add($"{NegativeInfinity} -Inf");
        if (BeyondLimit > 0)
            parts.Add(Limit == Float16Limit ? $"{BeyondLimit} beyond float16's range (|x| ≥ 65520 rounds to infinity)" : $"{BeyondLimit} beyond ±1e20");
        var shown = float.IsNaN(FirstValue) ? "NaN" : float.IsInfinity(FirstValue) ? (FirstValue > 0 ? "+Inf" : "-Inf")
            : FirstValue.ToString("G9", System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(", ", parts) + (FirstIndex >= 0 ? $"; the first, {shown} at element {FirstIndex}" : "");
    }
}
