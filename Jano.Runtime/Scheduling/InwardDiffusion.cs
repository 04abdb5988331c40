namespace Jano.Runtime.Scheduling;

/// <summary>
/// Jano's inward diffusion on one frame of block scores: low-score regions enclosed by high-score
/// contours (e.g. the flat inside of an object whose outline still moves) are lifted towards the
/// contour's score, so that they are recomputed more often than their own dynamics would suggest.
/// </summary>
/// <remarks>
/// Our reading of the reference, where its description leaves room:
/// <list type="bullet">
/// <item>mean and std are over all cells of the frame; std is the population std (divide by n);</item>
/// <item>contour cells: score strictly above mean + 0.3·std; candidate interior cells: score strictly
/// below the mean and not in the first or last row or column of the grid;</item>
/// <item>candidates form regions by 4-connectivity (shared edges), and a region's outer boundary is
/// the set of cells outside it that share an edge with one of its cells;</item>
/// <item>a region counts when it has at least 2 cells and at least 30% of its outer boundary cells are
/// within Euclidean distance 2 (inclusive) of a contour cell;</item>
/// <item>"within d_distance" is inclusive too (dist ≤ d_distance), dist being the exact Euclidean
/// distance transform to the nearest contour cell, in cells;</item>
/// <item>the lift, exp(−dist / (d_distance / 2)) · mean(contour scores) · d_strength, is added to the
/// score; statistics are taken before any lift, and nothing is re-normalised afterwards.</item>
/// </list>
/// </remarks>
public static class InwardDiffusion
{
    /// <summary>How far above the mean, in standard deviations, a contour cell lies.</summary>
    public const double ContourStdFactor = 0.3;

    /// <summary>Distance (in cells, inclusive) at which a boundary cell counts as near a contour.</summary>
    public const double BoundaryReach = 2;

    /// <summary>Share of a region's outer boundary that must be near a contour for it to be enclosed.</summary>
    public const double EnclosedBoundaryShare = 0.3;

    /// <summary>Regions smaller than this are left alone.</summary>
    public const int MinimumRegionCells = 2;

    /// <summary>Applies inward diffusion in place to one frame of scores, [rows, columns] row-major.</summary>
    /// <param name="strength">d_strength (0 does nothing).</param>
    /// <param name="distance">d_distance in cells (0 does nothing).</param>
    public static void Apply(Span<float> scores, int rows, int columns, double strength, double distance)
    {
        int cells = rows * columns;
        if (rows < 1 || columns < 1 || scores.Length != cells)
            throw new ArgumentException($"scores has {scores.Length} cells but a {rows}×{columns} grid needs {cells}.",
                nameof(scores));
        if (!(strength > 0) || !(distance > 0)) return;

        (double mean, double std) = MeanAndPopulationStd(scores);
        double contourAbove = mean + ContourStdFactor * std;
        var contour = new bool[cells];
        var candidate = new bool[cells];
        double contourSum = 0;
        int contourCount = 0;
        for (int i = 0; i < cells; i++)
        {
            int r = i / columns, c = i % columns;
            bool border = r == 0 || c == 0 || r == rows - 1 || c == columns - 1;
            contour[i] = scores[i] > contourAbove;
            candidate[i] = scores[i] < mean && !border;
            if (contour[i])
            {
                contourSum += scores[i];
                contourCount++;
            }
        }
        if (contourCount == 0) return; // all equal: nothing stands out, nothing encloses

        var labels = new int[cells];
        int regions = GridComponents.Label(candidate, rows, columns, labels);
        if (regions == 0) return;
        var toContour = new double[cells];
        DistanceTransform.Euclidean(contour, rows, columns, toContour);
        bool[] enclosed = EnclosedRegions(labels, regions, rows, columns, toContour);

        double lift = contourSum / contourCount * strength;
        double decay = distance / 2;
        for (int i = 0; i < cells; i++)
        {
            int region = labels[i];
            if (region < 0 || !enclosed[region] || !(toContour[i] <= distance)) continue;
            scores[i] = (float)(scores[i] + Math.Exp(-toContour[i] / decay) * lift);
        }
    }

    /// <summary>Which regions have enough cells and enough of their outer boundary near a contour.</summary>
    private static bool[] EnclosedRegions(int[] labels, int regions, int rows, int columns, double[] toContour)
    {
        var size = new int[regions];
        var boundary = new int[regions];
        var nearBoundary = new int[regions];
        Span<int> seen = stackalloc int[4];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= 0)
            {
                size[labels[i]]++;
                continue;
            }
            // A cell outside every region is on the outer boundary of each region it touches by an
            // edge (once per region, however many edges it shares with it).
            int r = i / columns, c = i % columns, touched = 0;
            if (r > 0) touched = Touch(labels[i - columns], seen, touched);
            if (r + 1 < rows) touched = Touch(labels[i + columns], seen, touched);
            if (c > 0) touched = Touch(labels[i - 1], seen, touched);
            if (c + 1 < columns) touched = Touch(labels[i + 1], seen, touched);
            bool near = toContour[i] <= BoundaryReach;
            for (int t = 0; t < touched; t++)
            {
                boundary[seen[t]]++;
                if (near) nearBoundary[seen[t]]++;
            }
        }
        var enclosed = new bool[regions];
        for (int k = 0; k < regions; k++)
            enclosed[k] = size[k] >= MinimumRegionCells && boundary[k] > 0
                && nearBoundary[k] >= EnclosedBoundaryShare * boundary[k] - 1e-9;
        return enclosed;
    }

    /// <summary>Adds <paramref name="label"/> to the first <paramref name="count"/> of <paramref name="seen"/> unless absent or there.</summary>
    private static int Touch(int label, Span<int> seen, int count)
    {
        if (label < 0) return count;
        for (int t = 0; t < count; t++)
            if (seen[t] == label) return count;
        seen[count] = label;
        return count + 1;
    }

    private static (double Mean, double Std) MeanAndPopulationStd(ReadOnlySpan<float> scores)
    {
        double sum = 0;
        foreach (float s in scores) sum += s;
        double mean = sum / scores.Length;
        double squares = 0;
        foreach (float s in scores) squares += (s - mean) * (s - mean);
        return (mean, Math.Sqrt(squares / scores.Length));
    }
}
