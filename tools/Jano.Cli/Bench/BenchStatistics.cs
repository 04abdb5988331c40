namespace Jano.Cli.Bench;

/// <summary>The few statistics the harness reports; NaN marks "no value" so callers can skip it.</summary>
public static class BenchStatistics
{
    /// <summary>The middle value, or the mean of the two middle values for an even count.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("the median of no values is undefined");
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Arithmetic mean; +∞ when any value is +∞ (an image identical to dense has infinite PSNR).</summary>
    public static double Mean(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0) throw new ArgumentException("the mean of no values is undefined");
        return list.Average();
    }

    public static double Min(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0) throw new ArgumentException("the minimum of no values is undefined");
        return list.Min();
    }
}
