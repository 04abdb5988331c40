namespace Jano.Cli.Bench;

/// <summary>
/// One method over the whole item set. Speed-up is dense's median wall time per image over this
/// method's; quality is against dense's image of the same prompt and seed (null for dense itself).
/// </summary>
public sealed record MethodResult
{
    /// <summary>The method and its setting as one label ("fora interval=2"); unique within a report.</summary>
    public required string Method { get; init; }

    /// <summary>The method without its setting ("fora", "steps" for steps-K): the plot's curve it belongs to.</summary>
    public string Family { get; init; } = "";

    /// <summary>What distinguishes this setting from the family's others ("interval=2", "25 steps", a Jano schedule's name).</summary>
    public string Setting { get; init; } = "";

    /// <summary>No other method of the report is at least as fast and at least as close to dense, and better in one (dense itself is left out).</summary>
    public bool OnParetoFront { get; init; }

    /// <summary>Measured generations (items × repeats).</summary>
    public required int Runs { get; init; }

    public required double MedianWallMs { get; init; }
    public required double MedianStepMs { get; init; }
    public required double Speedup { get; init; }
    public double? PsnrMean { get; init; }
    public double? PsnrMin { get; init; }
    public double? SsimMean { get; init; }
    public double? SsimMin { get; init; }

    /// <summary>Dense FLOPs over this method's FLOPs, summed over the items (the harmonic mean of the per-image ideals).</summary>
    public required double IdealSpeedup { get; init; }

    public required double MeasuredOverIdeal { get; init; }
    public required double ActiveFraction { get; init; }
    public required double MediumFraction { get; init; }
    public required double StaticFraction { get; init; }

    /// <summary>Mean per image, in ms; the parts add up to the mean wall time.</summary>
    public required TimeBreakdown Breakdown { get; init; }
}

/// <summary>One method on one item: its median time over the repeats and its closeness to dense.</summary>
public sealed record ImageResult(
    string Method, string Prompt, long Seed, double MedianWallMs, double Speedup, double? Psnr, double? Ssim,
    double IdealSpeedup, double ActiveFraction);
