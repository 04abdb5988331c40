namespace Jano.Runtime.Scheduling;

/// <summary>
/// Exact Euclidean distance transform on a row-major grid (Felzenszwalb and Huttenlocher's two-pass
/// method: the squared distance along columns, then the lower envelope of parabolas along rows).
/// O(rows · columns), unlike brute force over the feature cells.
/// </summary>
public static class DistanceTransform
{
    /// <summary>
    /// distances[i] = the Euclidean distance (in cells) from cell i to the nearest feature cell;
    /// 0 on feature cells, +∞ everywhere when there is no feature cell.
    /// </summary>
    public static void Euclidean(ReadOnlySpan<bool> features, int rows, int columns, Span<double> distances)
    {
        int cells = rows * columns;
        if (features.Length != cells || distances.Length != cells)
            throw new ArgumentException(
                $"features ({features.Length}) and distances ({distances.Length}) must both hold rows·columns = {cells} cells.");
        int longest = Math.Max(rows, columns);
        var line = new double[longest];
        var squared = new double[longest];
        var parabolas = new int[longest];
        var boundaries = new double[longest + 1];

        // Pass 1, along each column: squared distance to the nearest feature in that column.
        for (int c = 0; c < columns; c++)
        {
            for (int r = 0; r < rows; r++) line[r] = features[r * columns + c] ? 0 : double.PositiveInfinity;
            LowerEnvelope(line.AsSpan(0, rows), squared.AsSpan(0, rows), parabolas, boundaries);
            for (int r = 0; r < rows; r++) distances[r * columns + c] = squared[r];
        }
        // Pass 2, along each row: min over columns c' of (c − c')² + pass-1 value at c'.
        for (int r = 0; r < rows; r++)
        {
            Span<double> row = distances.Slice(r * columns, columns);
            row.CopyTo(line);
            LowerEnvelope(line.AsSpan(0, columns), squared.AsSpan(0, columns), parabolas, boundaries);
            for (int c = 0; c < columns; c++) row[c] = Math.Sqrt(squared[c]);
        }
    }

    /// <summary>
    /// result[q] = min over p of (q − p)² + f[p] (1-D squared distance transform of sampled function f).
    /// Samples where f is +∞ add no parabola; with none finite the result is +∞ everywhere.
    /// </summary>
    private static void LowerEnvelope(ReadOnlySpan<double> f, Span<double> result, int[] parabolas, double[] boundaries)
    {
        int k = -1; // index of the rightmost parabola in the envelope
        for (int q = 0; q < f.Length; q++)
        {
            if (double.IsPositiveInfinity(f[q])) continue;
            if (k < 0)
            {
                k = 0;
                parabolas[0] = q;
                boundaries[0] = double.NegativeInfinity;
                boundaries[1] = double.PositiveInfinity;
                continue;
            }
            double s = Intersection(f, parabolas[k], q);
            // Parabolas that the new one hides everywhere leave the envelope; boundaries[0] = −∞ keeps k ≥ 0.
            while (s <= boundaries[k])
            {
                k--;
                s = Intersection(f, parabolas[k], q);
            }
            k++;
            parabolas[k] = q;
            boundaries[k] = s;
            boundaries[k + 1] = double.PositiveInfinity;
        }
        if (k < 0)
        {
            result.Fill(double.PositiveInfinity);
            return;
        }
        int j = 0;
        for (int q = 0; q < f.Length; q++)
        {
            while (boundaries[j + 1] < q) j++;
            double d = q - parabolas[j];
            result[q] = d * d + f[parabolas[j]];
        }
    }

    /// <summary>Where the parabolas rooted at p &lt; q (heights f[p], f[q]) cross.</summary>
    private static double Intersection(ReadOnlySpan<double> f, int p, int q) =>
        (f[q] + (double)q * q - (f[p] + (double)p * p)) / (2.0 * (q - p));
}
