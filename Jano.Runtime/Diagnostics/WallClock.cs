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

    /// <summary>The median (upper middle value for an even count); a median resists the outliers a shared machine produces.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no values to take the median of");
        return sorted[sorted.Length / 2];
    }
}
