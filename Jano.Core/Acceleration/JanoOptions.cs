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

    /// <summary>
    /// The first parameter that no run can use, whatever its step count and size, as (the parameter's
    /// manifest field name, what is wrong), or null: warm-up ≥ 2 (1 with the initial noise), cool-down ≥ 0,
    /// block sizes ≥ 1 (frames 1 for images), thresholds in [0, 1] (scores are min-max normalised) and in
    /// order, intervals ≥ 1, t_weight in [0, 1], d_strength ≥ 0, d_distance > 0, every number finite.
    /// </summary>
    public (string Field, string Problem)? ValueProblem()
    {
        var inv = CultureInfo.InvariantCulture;
        var minWarmup = IncludeInitialNoise ? 1 : 2;
        if (Warmup < minWarmup) return ("warmup", $"must be at least {minWarmup} (the analysis compares stored steps), got {Warmup}");
        if (Cooldown < 0) return ("cooldown", $"must be ≥ 0, got {Cooldown}");
        if (BlockFrames < 1 || BlockHeight < 1 || BlockWidth < 1)
            return ("block", $"sizes must be ≥ 1, got {BlockFrames}×{BlockHeight}×{BlockWidth}");
        if (BlockFrames != 1) return ("blockFrames", $"must be 1 for images, got {BlockFrames}");
        if (StaticInterval < 1) return ("staticInterval", $"must be ≥ 1, got {StaticInterval}");
        if (MediumInterval < 1) return ("mediumInterval", $"must be ≥ 1, got {MediumInterval}");
        if (!double.IsFinite(StaticThreshold) || StaticThreshold < 0 || StaticThreshold > 1)
            return ("staticThreshold", string.Create(inv, $"must be in [0, 1] (scores are normalised to it), got {StaticThreshold}"));
        if (!double.IsFinite(MediumThreshold) || MediumThreshold < 0 || MediumThreshold > 1)
            return ("mediumThreshold", string.Create(inv, $"must be in [0, 1] (scores are normalised to it), got {MediumThreshold}"));
        if (StaticThreshold > MediumThreshold)
            return ("staticThreshold", string.Create(inv, $"and mediumThreshold are out of order: static {StaticThreshold} must be ≤ medium {MediumThreshold}"));
        if (!double.IsFinite(TWeight) || TWeight < 0 || TWeight > 1) return ("tWeight", string.Create(inv, $"must be in [0, 1], got {TWeight}"));
        if (!double.IsFinite(DStrength) || DStrength < 0) return ("dStrength", string.Create(inv, $"must be ≥ 0, got {DStrength}"));
        if (!double.IsFinite(DDistance) || DDistance <= 0) return ("dDistance", string.Create(inv, $"must be > 0, got {DDistance}"));
        return null;
    }

    /// <summary>
    /// Rejects options that cannot run on a model of this size for this many steps; messages name the
    /// option as its `jano generate` flag spells it (static-threshold, warmup).
    /// </summary>
    public void Validate(int steps, int latentHeight, int latentWidth)
    {
        static ArgumentException Bad(string option, string problem) => new(Jano.Core.OneLine.Of($"Jano option {option} {problem}"));
        if (ValueProblem() is var (field, problem)) throw Bad(Kebab(field), problem);
        if (Warmup + Cooldown >= steps)
            throw Bad("warmup + cooldown", $"({Warmup} + {Cooldown}) must be less than the number of steps ({steps}), or no step would be accelerated");
        if (BlockHeight > latentHeight || BlockWidth > latentWidth)
            throw Bad("block", $"{BlockHeight}×{BlockWidth} is larger than the {latentHeight}×{latentWidth} latent image");
    }

    /// <summary>staticThreshold → static-threshold.</summary>
    private static string Kebab(string field) =>
        string.Concat(field.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString()));
}
