using System.Globalization;

namespace Jano.Core.Acceleration;

/// <summary>
/// Every parameter of Jano (docs/ARCHITECTURE.md, "The Jano algorithm"). Block sizes are in latent pixels
/// (frames, rows, columns); the reference's image preset for FLUX uses (1, H/128, W/128) of the
/// pixel size, i.e. a 16×16 grid of blocks.
/// </summary>
public sealed record JanoOptions
{
    /// <summary>Dense steps whose guided predictions feed the analysis.</summary>
    public int Warmup { get; init; } = 7;

    /// <summary>Final steps that always run dense.</summary>
    public int Cooldown { get; init; } = 2;

    public int BlockFrames { get; init; } = 1;
    public int BlockHeight { get; init; } = 2;
    public int BlockWidth { get; init; } = 2;

    /// <summary>Weight of temporal against spatial dynamics (0 for images).</summary>
    public double TWeight { get; init; }

    public double DStrength { get; init; } = 0.8;
    public double DDistance { get; init; } = 2;

    /// <summary>Scores ≤ this are static: recomputed only at refreshes (every StaticInterval steps).</summary>
    public double StaticThreshold { get; init; } = 0.2;
    public int StaticInterval { get; init; } = 12;

    /// <summary>Scores ≤ this (and above the static threshold) are medium: recomputed every MediumInterval steps.</summary>
    public double MediumThreshold { get; init; } = 0.4;
    public int MediumInterval { get; init; } = 4;

    /// <summary>Also store the initial noise as the first analysis entry (the reference does for FLUX).</summary>
    public bool IncludeInitialNoise { get; init; }

    /// <summary>Rejects options that cannot run on a model of this size for this many steps; messages name the option.</summary>
    public void Validate(int steps, int latentHeight, int latentWidth)
    {
        static ArgumentException Bad(string option, string problem) => new($"Jano option {option} {problem}");
        var inv = CultureInfo.InvariantCulture;
        if (Warmup < 2 - (IncludeInitialNoise ? 1 : 0)) throw Bad("warmup", $"must be at least {2 - (IncludeInitialNoise ? 1 : 0)} (the analysis compares stored steps), got {Warmup}");
        if (Cooldown < 0) throw Bad("cooldown", $"must be ≥ 0, got {Cooldown}");
        if (Warmup + Cooldown >= steps)
            throw Bad("warmup + cooldown", $"({Warmup} + {Cooldown}) must be less than the number of steps ({steps}), or no step would be accelerated");
        if (BlockFrames < 1 || BlockHeight < 1 || BlockWidth < 1)
            throw Bad("block", $"sizes must be ≥ 1, got {BlockFrames}×{BlockHeight}×{BlockWidth}");
        if (BlockHeight > latentHeight || BlockWidth > latentWidth)
            throw Bad("block", $"{BlockHeight}×{BlockWidth} is larger than the {latentHeight}×{latentWidth} latent image");
        if (BlockFrames != 1) throw Bad("block frames", $"must be 1 for images, got {BlockFrames}");
        if (StaticInterval < 1) throw Bad("static-interval", $"must be ≥ 1, got {StaticInterval}");
        if (MediumInterval < 1) throw Bad("medium-interval", $"must be ≥ 1, got {MediumInterval}");
        if (!double.IsFinite(StaticThreshold) || !double.IsFinite(MediumThreshold))
            throw Bad("thresholds", "must be finite numbers");
        if (StaticThreshold > MediumThreshold)
            throw Bad("thresholds", string.Create(inv, $"are out of order: static {StaticThreshold} must be ≤ medium {MediumThreshold}"));
        if (!double.IsFinite(TWeight) || TWeight < 0 || TWeight > 1) throw Bad("t-weight", string.Create(inv, $"must be in [0, 1], got {TWeight}"));
        if (!double.IsFinite(DStrength) || DStrength < 0) throw Bad("d-strength", string.Create(inv, $"must be ≥ 0, got {DStrength}"));
        if (!double.IsFinite(DDistance) || DDistance <= 0) throw Bad("d-distance", string.Create(inv, $"must be > 0, got {DDistance}"));
    }
}
