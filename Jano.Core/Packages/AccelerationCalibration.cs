namespace Jano.Core.Packages;

/// <summary>The manifest's optional <c>acceleration</c> object: per-package calibrations of accelerators.</summary>
public sealed record AccelerationCalibration
{
    /// <summary>TeaCache's rescaling polynomial, fitted on this package's dense runs (`jano calibrate`).</summary>
    public TeaCacheCalibrationData? TeaCache { get; init; }
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
