namespace Jano.Runtime.Scheduling;

/// <summary>
/// Presets from the reference implementation, adapted to a model's latent size. "reference" is the
/// FLUX image preset (warm-up 7, cool-down 2, thresholds 0.2/0.4, intervals 12/4, blocks giving a
/// 16×16 grid); "sd3" is the SD3 28-step preset (warm-up 5, cool-down 2, thresholds 0.25/0.25,
/// intervals 8/4).
/// </summary>
public static class JanoPresets
{
    public const string Reference = "reference";
    public const string Sd3 = "sd3";

    public static IReadOnlyDictionary<string, JanoOptions> For(int sampleSize)
    {
        // At least 2×2 pixels: a one-pixel block has no spatial structure (its distance matrix is always 0).
        var block = Math.Max(2, sampleSize / 16);
        var reference = new JanoOptions { BlockHeight = block, BlockWidth = block };
        return new Dictionary<string, JanoOptions>
        {
            [Reference] = reference,
            [Sd3] = reference with { Warmup = 5, Cooldown = 2, StaticThreshold = 0.25, MediumThreshold = 0.25, StaticInterval = 8, MediumInterval = 4 },
        };
    }
}
