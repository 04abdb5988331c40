namespace Jano.Core.Packages;

/// <summary>The manifest's optional <c>acceleration</c> object: per-package calibrations of accelerators.</summary>
public sealed record AccelerationCalibration
{
    /// <summary>TeaCache's rescaling polynomial, fitted on this package's dense runs (`jano calibrate`).</summary>
    public TeaCacheCalibrationData? TeaCache { get; init; }

    /// <summary>
    /// Presets `jano tune` found, by name: the accelerator each runs with and what it measured. The Jano
    /// options of each are janoPresets[name], so `--jano-preset NAME` uses them like any preset.
    /// </summary>
    public Dictionary<string, TunedPreset>? Presets { get; init; }
}

/// <summary>acceleration.presets.NAME: a Jano-family method with its parameters, tuned to a quality target (`jano tune`).</summary>
public sealed record TunedPreset
{
    /// <summary>The Jano-family methods a tuned preset may name.</summary>
    public static readonly IReadOnlyList<string> Methods = ["jano", "jano+taylor", "jano+teacache"];

    /// <summary>"jano", "jano+taylor" or "jano+teacache".</summary>
    public required string Method { get; init; }

    /// <summary>The method's own parameters as invariant text (horizon, threshold); Jano's are in janoPresets.</summary>
    public Dictionary<string, string> Parameters { get; init; } = [];

    /// <summary>The mean PSNR against dense the search had to reach on its calibration set.</summary>
    public required double TargetPsnr { get; init; }

    /// <summary>The step count it was tuned at.</summary>
    public required int Steps { get; init; }

    /// <summary>On the calibration set: mean PSNR, measured and ideal speed-up; on the held-out seeds the same (null if none ran).</summary>
    public double? CalibrationPsnr { get; init; }
    public double? CalibrationSpeedup { get; init; }
    public double? IdealSpeedup { get; init; }
    public double? HeldOutPsnr { get; init; }
    public double? HeldOutSpeedup { get; init; }

    /// <summary>Images the search generated (its cost), and how many an exhaustive run of the same candidates would have.</summary>
    public int? Evaluations { get; init; }
    public int? ExhaustiveEvaluations { get; init; }

    /// <summary>What is wrong with the entry, or null.</summary>
    public string? Problem() =>
        !Methods.Contains(Method) ? $"method is '{Method}'; a tuned preset runs one of: {string.Join(", ", Methods)}"
        : !double.IsFinite(TargetPsnr) ? "targetPsnr must be a finite number"
        : Steps < 1 ? $"steps must be at least 1, found {Steps}"
        : null;
}

/// <summary>acceleration.teaCache: the polynomial's coefficients, highest degree first (numpy.poly1d's order).</summary>
public sealed record TeaCacheCalibrationData
{
    public required List<double> Coefficients { get; init; }

    /// <summary>How many (input change, output change) pairs the fit saw; null in a hand-written manifest.</summary>
    public int? Samples { get; init; }

    /// <summary>The step counts of the dense runs recorded (the changes per step shrink as steps grow).</summary>
    public List<int>? Steps { get; init; }

    /// <summary>Root mean square of the fit's residuals over its samples, in units of the output's relative L1 change.</summary>
    public double? Rms { get; init; }

    /// <summary>What is wrong with the coefficients, or null: 1 to 9 of them, every one finite.</summary>
    public string? Problem() =>
        Coefficients.Count is < 1 or > 9 ? $"must hold 1 to 9 coefficients (a polynomial of degree ≤ 8), found {Coefficients.Count}"
        : Coefficients.FindIndex(c => !double.IsFinite(c)) is var i and >= 0 ? $"entry {i} is not a finite number"
        : null;
}
