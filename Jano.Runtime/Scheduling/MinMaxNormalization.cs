namespace Jano.Runtime.Scheduling;

/// <summary>Rescales scores so that the smallest becomes 0 and the largest 1.</summary>
public static class MinMaxNormalization
{
    /// <summary>
    /// In place: v ← (v − min) / (max − min). When every value is equal (nothing stands out) all
    /// become 0, i.e. everything counts as static.
    /// </summary>
    public static void Normalize(Span<float> values)
    {
        if (values.IsEmpty) return;
        float min = values[0], max = values[0];
        foreach (float v in values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        double range = (double)max - min;
        if (!(range > 0))
        {
            values.Clear();
            return;
        }
        // Dividing in double makes the largest value exactly 1 and the smallest exactly 0.
        for (int i = 0; i < values.Length; i++) values[i] = (float)((values[i] - (double)min) / range);
    }
}
