namespace Jano.Cli.Calibrate;

/// <summary>What one `jano calibrate` does: which package, which dense runs it records, the fit's degree.</summary>
public sealed record CalibrateSettings
{
    /// <summary>The package folder; null: the default model.</summary>
    public string? Package { get; init; }

    /// <summary>One prompt per line; null: the 10 Fashion-MNIST class prompts.</summary>
    public string? PromptsFile { get; init; }

    /// <summary>Seeds 0 .. Seeds − 1 per prompt.</summary>
    public int Seeds { get; init; } = 2;

    /// <summary>The step counts of the dense runs; empty: the package's default step count.</summary>
    public IReadOnlyList<int> Steps { get; init; } = [];

    public double? Guidance { get; init; }
    public int Degree { get; init; } = Jano.Runtime.Acceleration.TeaCacheCalibration.DefaultDegree;
    public int Threads { get; init; }
    public string Provider { get; init; } = "cpu";

    /// <summary>A .tsv file to write every sample to (step, step count, input change, output change), or null.</summary>
    public string? SamplesFile { get; init; }

    /// <summary>Fit and print, but leave the manifest as it is.</summary>
    public bool DryRun { get; init; }

    /// <summary>The first setting no calibration can use, as one line naming the flag, or null.</summary>
    public string? Problem()
    {
        if (Seeds is < 1 or > 1000) return $"--seeds must be between 1 and 1000, got {Seeds}";
        if (Steps.FirstOrDefault(s => s is < 3 or > 10_000) is var bad and not 0)
            return $"--steps must be whole numbers between 3 and 10000 (a decided step has a step before it and the last step after it), got {bad}";
        if (Degree is < 1 or > 8) return $"--degree must be between 1 and 8, got {Degree}";
        if (Threads < 0) return $"--threads must be ≥ 0, got {Threads}";
        if (Provider is not ("auto" or "cpu" or "cuda")) return $"--provider must be auto, cpu or cuda, got '{Provider}'";
        if (SamplesFile is { } f && !f.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase)) return $"--samples must name a .tsv file, got '{f}'";
        return null;
    }
}
