using System.Diagnostics;

namespace Jano.Runtime.Diagnostics;

/// <summary>Wall-clock helpers of the measuring instruments: time one call, take a median.</summary>
public static class WallClock
{
    /// <summary>Milliseconds one call of <paramref name="action"/> took.</summary>
    public static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>
    /// The median (the mean of the two middle values for an even count), the one median of every
    /// instrument; it resists the outliers a shared machine produces.
    /// </summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("the median of no values is undefined");
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
