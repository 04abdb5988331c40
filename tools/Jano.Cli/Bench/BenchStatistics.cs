namespace Jano.Cli.Bench;

/// <summary>The few statistics the harness reports; NaN marks "no value" so callers can skip it.</summary>
public static class BenchStatistics
{
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
