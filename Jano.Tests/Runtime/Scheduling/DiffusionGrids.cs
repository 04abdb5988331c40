namespace Jano.Tests.Runtime.Scheduling;

/// <summary>Hand-made score grids for the inward-diffusion tests.</summary>
internal static class DiffusionGrids
{
    /// <summary>
    /// 6×6: outer border 0.5, a ring of 1 inside it, a 2×2 of 0 in the middle. Mean 22/36 ≈ 0.61,
    /// population std ≈ 0.31, so the ring (1 &gt; 0.71) is the contour, and the only candidates (below
    /// the mean, off the border) are the four 0s, whose outer boundary is all ring.
    /// </summary>
    public static readonly float[] RingAroundTwoByTwo =
    [
        0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f,
        0.5f, 1f, 1f, 1f, 1f, 0.5f,
        0.5f, 1f, 0f, 0f, 1f, 0.5f,
        0.5f, 1f, 0f, 0f, 1f, 0.5f,
        0.5f, 1f, 1f, 1f, 1f, 0.5f,
        0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f,
    ];

    /// <summary>
    /// size×size: outer border 0.5, a ring of 1 one cell in, 0 inside the ring. The distance from an
    /// inside cell (r, c) to the ring is min(r − 1, size − 2 − r, c − 1, size − 2 − c).
    /// </summary>
    public static float[] RingAroundSquare(int size)
    {
        var grid = new float[size * size];
        for (int r = 0; r < size; r++)
        for (int c = 0; c < size; c++)
        {
            bool border = r == 0 || c == 0 || r == size - 1 || c == size - 1;
            bool ring = !border && (r == 1 || c == 1 || r == size - 2 || c == size - 2);
            grid[r * size + c] = border ? 0.5f : ring ? 1f : 0f;
        }
        return grid;
    }
}
