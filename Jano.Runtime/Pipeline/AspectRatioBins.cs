namespace Jano.Runtime.Pipeline;

/// <summary>
/// PixArt's aspect-ratio bins: the (height, width) sizes a PixArt model of a given base resolution
/// was trained at, keyed by height / width. diffusers' PixArt pipelines snap a requested size to the
/// bin whose key is nearest to its ratio (first of equals in table order) and generate there; so do we.
/// The tables are diffusers' (pipeline_pixart_alpha: 256, 512, 1024; pipeline_pixart_sigma: 2048):
/// the 256 and 512 ones are the 1024 one scaled by 1/4 and 1/2, the 2048 one that scaled by 2 with
/// seven more extreme ratios. Checked against diffusers' own snapping (Fixtures/golden/aspect_bins.json).
/// </summary>
public static class AspectRatioBins
{
    /// <summary>(ratio, height, width) at 1024 pixels, in diffusers' order.</summary>
    private static readonly (double Ratio, int Height, int Width)[] Base1024 =
    [
        (0.25, 512, 2048), (0.28, 512, 1856), (0.32, 576, 1792), (0.33, 576, 1728), (0.35, 576, 1664), (0.4, 640, 1600),
        (0.42, 640, 1536), (0.48, 704, 1472), (0.5, 704, 1408), (0.52, 704, 1344), (0.57, 768, 1344), (0.6, 768, 1280),
        (0.68, 832, 1216), (0.72, 832, 1152), (0.78, 896, 1152), (0.82, 896, 1088), (0.88, 960, 1088), (0.94, 960, 1024),
        (1.0, 1024, 1024), (1.07, 1024, 960), (1.13, 1088, 960), (1.21, 1088, 896), (1.29, 1152, 896), (1.38, 1152, 832),
        (1.46, 1216, 832), (1.67, 1280, 768), (1.75, 1344, 768), (2.0, 1408, 704), (2.09, 1472, 704), (2.4, 1536, 640),
        (2.5, 1600, 640), (3.0, 1728, 576), (4.0, 2048, 512),
    ];

    /// <summary>The bins of a base resolution (256, 512, 1024 or 2048 image pixels), or null for another.</summary>
    public static IReadOnlyList<(double Ratio, int Height, int Width)>? For(int baseResolution) => baseResolution switch
    {
        256 or 512 or 1024 => Base1024.Select(b => (b.Ratio, b.Height * baseResolution / 1024, b.Width * baseResolution / 1024)).ToArray(),
        2048 => Table2048(),
        _ => null,
    };

    /// <summary>The nearest bin to height / width (the first of equally near ones, as Python's min).</summary>
    public static (int Height, int Width) Snap(int height, int width, IReadOnlyList<(double Ratio, int Height, int Width)> bins)
    {
        var ratio = (double)height / width;
        var best = bins[0];
        foreach (var bin in bins)
            if (Math.Abs(bin.Ratio - ratio) < Math.Abs(best.Ratio - ratio)) best = bin;
        return (best.Height, best.Width);
    }

    private static (double, int, int)[] Table2048()
    {
        var doubled = Base1024.Select(b => (b.Ratio, b.Height * 2, b.Width * 2)).ToList();
        // diffusers' order: 0.26 and 0.27 after 0.25; 2.89 after 2.5; 3.11 after 3.0; 3.62, 3.75, 3.88 after 3.11.
        doubled.InsertRange(1, [(0.26, 1024, 3968), (0.27, 1024, 3840)]);
        doubled.Insert(doubled.FindIndex(b => b.Ratio == 2.5) + 1, (2.89, 3328, 1152));
        doubled.InsertRange(doubled.FindIndex(b => b.Ratio == 3.0) + 1, [(3.11, 3584, 1152), (3.62, 3712, 1024), (3.75, 3840, 1024), (3.88, 3968, 1024)]);
        return [.. doubled];
    }
}
