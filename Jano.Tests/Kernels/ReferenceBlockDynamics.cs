using Jano.Kernels;

namespace Jano.Tests.Kernels;

/// <summary>
/// The test oracle: block dynamics computed plainly in double precision straight from the definition.
/// The volume is first copied into an explicitly zero-padded array; for every block, full distance
/// matrices are built for every step and compared entry by entry, diagonal included.
/// </summary>
internal static class ReferenceBlockDynamics
{
    public static (double[] Spatial, double[] Temporal) Compute(float[] predictions, BlockDynamicsShape s)
    {
        int gridT = (s.Frames + s.BlockFrames - 1) / s.BlockFrames;
        int gridH = (s.Height + s.BlockHeight - 1) / s.BlockHeight;
        int gridW = (s.Width + s.BlockWidth - 1) / s.BlockWidth;
        double[,,,,] padded = Pad(predictions, s, gridT * s.BlockFrames, gridH * s.BlockHeight, gridW * s.BlockWidth);

        var spatial = new double[gridT * gridH * gridW];
        var temporal = new double[spatial.Length];
        for (int gt = 0; gt < gridT; gt++)
        for (int gh = 0; gh < gridH; gh++)
        for (int gw = 0; gw < gridW; gw++)
        {
            int block = (gt * gridH + gh) * gridW + gw;
            // Cell (frame f, position p) of this block at step j, channel c.
            double Value(int j, int c, int f, int p) =>
                padded[j, c, gt * s.BlockFrames + f, gh * s.BlockHeight + p / s.BlockWidth,
                    gw * s.BlockWidth + p % s.BlockWidth];

            int positions = s.BlockHeight * s.BlockWidth;
            double frameSum = 0;
            for (int f = 0; f < s.BlockFrames; f++)
                frameSum += MeanMatrixChange(s, positions, (j, a, b) =>
                    Distance(s.Channels, c => Value(j, c, f, a) - Value(j, c, f, b)));
            spatial[block] = frameSum / s.BlockFrames;

            double positionSum = 0;
            for (int p = 0; p < positions; p++)
                positionSum += MeanMatrixChange(s, s.BlockFrames, (j, a, b) =>
                    Distance(s.Channels, c => Value(j, c, a, p) - Value(j, c, b, p)));
            temporal[block] = positionSum / positions;
        }
        return (spatial, temporal);
    }

    /// <summary>Mean over step pairs and all n×n entries of |D_{j+interval} − D_j|.</summary>
    private static double MeanMatrixChange(BlockDynamicsShape s, int n, Func<int, int, int, double> distance)
    {
        double sum = 0;
        int pairs = 0;
        for (int j = 0; j + s.Interval < s.Steps; j++, pairs++)
        {
            double[,] before = Matrix(n, (a, b) => distance(j, a, b));
            double[,] after = Matrix(n, (a, b) => distance(j + s.Interval, a, b));
            double entries = 0;
            for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                entries += Math.Abs(after[a, b] - before[a, b]);
            sum += entries / (n * n);
        }
        return sum / pairs;
    }

    private static double[,] Matrix(int n, Func<int, int, double> entry)
    {
        var m = new double[n, n];
        for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            m[a, b] = entry(a, b);
        return m;
    }

    private static double Distance(int channels, Func<int, double> difference)
    {
        double sum = 0;
        for (int c = 0; c < channels; c++) sum += difference(c) * difference(c);
        return Math.Sqrt(sum);
    }

    private static double[,,,,] Pad(float[] predictions, BlockDynamicsShape s, int frames, int height, int width)
    {
        var padded = new double[s.Steps, s.Channels, frames, height, width];
        int i = 0;
        for (int j = 0; j < s.Steps; j++)
        for (int c = 0; c < s.Channels; c++)
        for (int t = 0; t < s.Frames; t++)
        for (int y = 0; y < s.Height; y++)
        for (int x = 0; x < s.Width; x++)
            padded[j, c, t, y, x] = predictions[i++];
        return padded;
    }
}
