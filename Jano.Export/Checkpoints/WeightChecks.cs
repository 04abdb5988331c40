namespace Jano.Export.Checkpoints;

/// <summary>
/// What <see cref="CheckpointWeights"/> checks of every tensor it converts: that the values are finite
/// and fit the package's dtype. <see cref="AllowNonFinite"/> writes them anyway, with a note per tensor.
/// </summary>
public sealed record WeightChecks
{
    /// <summary>NaN, ±Inf and out-of-range weights are written as they are, each tensor noted in <see cref="Log"/>.</summary>
    public bool AllowNonFinite { get; init; }

    /// <summary>The weights become float16: values a half rounds to infinity are refused too.</summary>
    public bool Float16 { get; init; }

    public Action<string>? Log { get; init; }

    public float Limit => Float16 ? WeightScan.Float16Limit : WeightScan.Float32Limit;

    public static WeightChecks Of(ExportOptions options) =>
        new() { AllowNonFinite = options.AllowNonFinite, Float16 = options.DType == "float16", Log = options.Log };
}
