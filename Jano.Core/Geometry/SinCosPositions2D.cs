namespace Jano.Core.Geometry;

/// <summary>
/// The fixed 2-D sine-cosine position table of PixArt and SD3 (diffusers' get_2d_sincos_pos_embed). In
/// Core because the exporter writes it for the package's size and the runtime computes it for others.
/// Tokens are row-major over the (row, column) patch grid. The first half of each row encodes the
/// column coordinate and the second half the row coordinate: diffusers builds the grid with
/// meshgrid(w, h) and feeds grid[0] (which varies along columns) to the first half. A non-square
/// grid scales each axis by its own length (grid_size = (rows, columns)), as diffusers' PatchEmbed
/// does for an input whose size differs from the config's sample_size.
/// </summary>
public static class SinCosPositions2D
{
    /// <summary>
    /// Why the table cannot have rows of this width, or null: half of each row per axis, and each half
    /// sines and cosines, so four equal parts. The one message for the exporter and init-random, which
    /// check a config's heads × head dim with it before anything is written.
    /// </summary>
    public static string? WidthProblem(int width) => width % 4 == 0 ? null
        : $"gives a model width of {width} (num_attention_heads × attention_head_dim), which the 2-D sin-cos position table cannot use: it splits each row into sines and cosines of two axes, so the width must be a multiple of 4";

    public static float[] Table(int width, int gridRows, int gridColumns, int baseSize, float interpolationScale)
    {
        if (WidthProblem(width) is { } problem) throw new ArgumentException(problem);
        var table = new float[(long)gridRows * gridColumns * width];
        var half = width / 2;
        for (var row = 0; row < gridRows; row++)
        {
            for (var col = 0; col < gridColumns; col++)
            {
                var token = row * gridColumns + col;
                var span = table.AsSpan(token * width, width);
                OneAxis(span[..half], Coordinate(col, gridColumns, baseSize, interpolationScale));
                OneAxis(span[half..], Coordinate(row, gridRows, baseSize, interpolationScale));
            }
        }
        return table;
    }

    /// <summary>
    /// SD3's rows for a grid of gridRows × gridColumns patches: diffusers' PatchEmbed builds one table over
    /// a maxSize × maxSize grid (pos_embed_max_size; coordinates index / (maxSize / baseSize) /
    /// interpolationScale) and crops its centre, top = (maxSize − gridRows) / 2, left = (maxSize −
    /// gridColumns) / 2 (cropped_pos_embed). Only the cropped rows are computed. The coordinates are
    /// float32, as torch computes them (a float32 arange divided by float32 scalars); the sine and cosine
    /// are float64, as torch's outer product with the float64 ω promotes them, rounded to float32 at the end.
    /// </summary>
    public static float[] CentreCrop(int width, int maxSize, int baseSize, float interpolationScale, int gridRows, int gridColumns)
    {
        if (WidthProblem(width) is { } problem) throw new ArgumentException(problem);
        if (gridRows > maxSize || gridColumns > maxSize)
            throw new ArgumentException($"a {gridRows}×{gridColumns} patch grid exceeds the {maxSize}×{maxSize} position table");
        int top = (maxSize - gridRows) / 2, left = (maxSize - gridColumns) / 2, half = width / 2;
        var step = (float)((double)maxSize / baseSize);
        var table = new float[(long)gridRows * gridColumns * width];
        for (var row = 0; row < gridRows; row++)
        {
            for (var col = 0; col < gridColumns; col++)
            {
                var span = table.AsSpan((row * gridColumns + col) * width, width);
                OneAxis(span[..half], (float)(left + col) / step / interpolationScale);
                OneAxis(span[half..], (float)(top + row) / step / interpolationScale);
            }
        }
        return table;
    }

    private static double Coordinate(int index, int gridSize, int baseSize, float interpolationScale) =>
        index / ((double)gridSize / baseSize) / interpolationScale;

    /// <summary>[sin(pos·ω_k) for k, cos(pos·ω_k) for k] with ω_k = 1/10000^(k/(E/2)).</summary>
    private static void OneAxis(Span<float> destination, double position)
    {
        var quarter = destination.Length / 2;
        for (var k = 0; k < quarter; k++)
        {
            var omega = 1.0 / Math.Pow(10000.0, k / (double)quarter);
            destination[k] = (float)Math.Sin(position * omega);
            destination[quarter + k] = (float)Math.Cos(position * omega);
        }
    }
}
