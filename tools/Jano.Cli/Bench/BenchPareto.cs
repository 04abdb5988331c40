namespace Jano.Cli.Bench;

/// <summary>
/// The Pareto front of (speed-up, PSNR) points, both to maximise: a point is on it when no other point is
/// at least as good in both and better in one. Used for the report's column and the plot's front line.
/// </summary>
public static class BenchPareto
{
    /// <param name="points">Null entries (dense) take no part.</param>
    /// <returns>The indices of the points on the front.</returns>
    public static HashSet<int> Front(IReadOnlyList<(double Speedup, double Psnr)?> points)
    {
        var front = new HashSet<int>();
        for (var i = 0; i < points.Count; i++)
        {
            if (points[i] is not { } p) continue;
            var dominated = false;
            for (var j = 0; j < points.Count && !dominated; j++)
                dominated = j != i && points[j] is { } q && q.Speedup >= p.Speedup && q.Psnr >= p.Psnr && (q.Speedup > p.Speedup || q.Psnr > p.Psnr);
            if (!dominated) front.Add(i);
        }
        return front;
    }
}
