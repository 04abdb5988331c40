using Jano.Core.Geometry;
using Jano.Core.Packages;

namespace Jano.Export.Sd3;

/// <summary>
/// Whether a checkpoint's position table (pos_embed.pos_embed, a persistent buffer of pos_embed_max_size²
/// rows) is diffusers' sin-cos table, which the runtime can then crop for any size: diffusers' PatchEmbed
/// builds it with base_size = sample_size / patch_size and interpolation scale 1. A table that differs
/// (trained or fine-tuned) keeps the package at its exported size.
/// </summary>
public static class Sd3PositionGenerator
{
    /// <summary>
    /// Largest absolute difference accepted. Both tables use float32 coordinates and round float64 sines to
    /// float32, so they agree to a float32 ulp (6e-8 at 1); a table built with float64 coordinates differs
    /// by at most half an ulp of the largest coordinate (below base_size: 1.9e-6 at SD3's base 64, 7.6e-6 at
    /// 256). Training moves a table by far more than 1e-5.
    /// </summary>
    public const double Tolerance = 1e-5;

    public const double InterpolationScale = 1.0;

    /// <summary>The whole max × max table as diffusers builds it for this config.</summary>
    public static float[] Table(Sd3Config c) =>
        SinCosPositions2D.CentreCrop(c.HiddenSize, c.PosEmbedMaxSize, c.BaseGrid, (float)InterpolationScale, c.PosEmbedMaxSize, c.PosEmbedMaxSize);

    /// <summary>The largest absolute difference between the checkpoint's table and diffusers' one.</summary>
    public static double Difference(Sd3Config c, Sd3Weights w)
    {
        var expected = Table(c);
        double worst = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = Math.Abs((double)w.PositionTable[i] - expected[i]);
            if (!(diff <= worst)) worst = diff; // NaN counts as the largest difference
        }
        return worst;
    }

    /// <summary>The manifest's generator when the checkpoint's table is diffusers' sin-cos one, else null; the log says which and why.</summary>
    public static PositionGenerator? For(Sd3Config c, Sd3Weights w, Action<string>? log)
    {
        var difference = Difference(c, w);
        var max = c.PosEmbedMaxSize;
        if (difference <= Tolerance)
        {
            log?.Invoke($"pos_embed.pos_embed is diffusers' sin-cos table (largest difference {difference:E1}): the package runs at any size whose patch grid fits {max}×{max}");
            return new PositionGenerator(PositionGenerator.SinCos2DCropped, c.BaseGrid, InterpolationScale) { MaxSize = max };
        }
        log?.Invoke($"pos_embed.pos_embed differs from diffusers' sin-cos table by up to {difference:E1} (above {Tolerance:E0}: a trained table): the package runs at its exported size only; re-export with --size for another");
        return null;
    }
}
