using System.Globalization;
using Jano.Core.Packages;

namespace Jano.Cli.Tune;

/// <summary>What one `jano tune` searches and on which images.</summary>
public sealed record TuneSettings
{
    public string? Package { get; init; }

    /// <summary>One prompt per line; null: the 10 Fashion-MNIST class prompts.</summary>
    public string? PromptsFile { get; init; }

    /// <summary>The mean PSNR against dense (dB) the preset must reach on the calibration set.</summary>
    public required double TargetPsnr { get; init; }

    /// <summary>Calibration seeds 0 .. N − 1 per prompt (the search's images).</summary>
    public int CalibrationSeeds { get; init; } = 2;

    /// <summary>Held-out seeds N .. N + M − 1 per prompt (reported, never searched on); 0: none.</summary>
    public int HeldOutSeeds { get; init; } = 2;

    /// <summary>jano, jano+taylor or jano+teacache.</summary>
    public string Method { get; init; } = "jano+taylor";

    /// <summary>Null: the package's default step count.</summary>
    public int? Steps { get; init; }
    public double? Guidance { get; init; }

    /// <summary>Grid points the search starts from (the package's presets among them).</summary>
    public int Candidates { get; init; } = 27;
    public int Eta { get; init; } = 3;

    /// <summary>The preset's name; null: "psnr" and the target ("psnr32").</summary>
    public string? PresetName { get; init; }
    public int Threads { get; init; }
    public string Provider { get; init; } = "cpu";
    public bool DryRun { get; init; }

    public string Name => PresetName ?? "psnr" + TargetPsnr.ToString("0.##", CultureInfo.InvariantCulture).Replace('.', '_');

    /// <summary>The first setting no search can use, as one line naming the flag, or null.</summary>
    public string? Problem()
    {
        var inv = CultureInfo.InvariantCulture;
        if (!double.IsFinite(TargetPsnr) || TargetPsnr is <= 0 or > 100) return string.Create(inv, $"--target-psnr must be a number of dB in (0, 100], got {TargetPsnr}");
        if (CalibrationSeeds is < 1 or > 1000) return $"--calibration-seeds must be between 1 and 1000, got {CalibrationSeeds}";
        if (HeldOutSeeds is < 0 or > 1000) return $"--heldout-seeds must be between 0 and 1000, got {HeldOutSeeds}";
        if (!TunedPreset.Methods.Contains(Method)) return $"--method must be one of {string.Join(", ", TunedPreset.Methods)} (tune searches Jano's schedule), got '{Method}'";
        if (Candidates is < 1 or > 10_000) return $"--candidates must be between 1 and 10000, got {Candidates}";
        if (Eta is < 2 or > 10) return $"--eta must be between 2 and 10, got {Eta}";
        if (PresetName is { } n && (n.Length is 0 or > 64 || !n.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            return $"--name must be 1 to 64 letters, digits, '-' or '_', got '{n}'";
        if (Threads < 0) return $"--threads must be ≥ 0, got {Threads}";
        return null;
    }
}
