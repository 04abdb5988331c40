using System.Globalization;

namespace Jano.Export;

public sealed record ExportOptions
{
    /// <summary>The most default steps a package may have (as `jano generate --steps`).</summary>
    public const int MaxSteps = 10_000;

    /// <summary>"flow-euler", "ddim" or null to read the checkpoint's scheduler config (else infer).</summary>
    public string? Sampler { get; init; }
    public double? Shift { get; init; }
    public string? Name { get; init; }
    public int? DefaultSteps { get; init; }
    public double? DefaultGuidance { get; init; }
    /// <summary>FluxPipeline's true_cfg_scale as the package default (FLUX packages only; ≥ 1, 1 = one branch); null: none.</summary>
    public double? DefaultTrueCfg { get; init; }
    /// <summary>The Jano preset `jano generate` uses by default (one of the package's presets); null: "reference".</summary>
    public string? DefaultJanoPreset { get; init; }
    /// <summary>"float32" (default) or "float16": the element type of weights and activations inside the graphs.</summary>
    public string DType { get; init; } = "float32";
    /// <summary>Latent (height, width) in pixels the package is built for; null: the config's square sample_size.</summary>
    public (int Height, int Width)? Size { get; init; }
    /// <summary>Image pixels per latent pixel for the micro-conditions; null: from a sibling vae/config.json, else 1.</summary>
    public int? VaeScaleFactor { get; init; }
    /// <summary>Also write model.onnx, the whole transformer in one graph (the equivalence oracle, plain ONNX deployment).</summary>
    public bool WholeGraph { get; init; } = true;
    /// <summary>Caption rows of a StableDiffusion3 pipeline exported without text encoders (all text
    /// components null in model_index.json); null: 77 + 256 = 333. Refused for any other export.</summary>
    public int? TextTokens { get; init; }
    /// <summary>T5 rows of a StableDiffusion3 pipeline's caption (diffusers' max_sequence_length, 1 to 512);
    /// null: 256, the pipeline's default. Only for a pipeline with text_encoder_3; refused for any other export.</summary>
    public int? MaxSequenceLength { get; init; }
    /// <summary>
    /// Write NaN, ±Inf and out-of-range weights as they are (each tensor noted in <see cref="Log"/>) instead of
    /// refusing the checkpoint: for inspecting a broken checkpoint; its generations stop at the first
    /// non-finite step.
    /// </summary>
    public bool AllowNonFinite { get; init; }
    /// <summary>Progress lines ("writing block_03.pre.onnx"); null for silence.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>
    /// Refuses values no package can use, before anything is read: default steps 1 to <see cref="MaxSteps"/>,
    /// default guidance finite and ≥ 0, a known dtype. Messages name the option and its flag.
    /// </summary>
    public void Validate()
    {
        if (DefaultSteps is { } steps && (steps < 1 || steps > MaxSteps))
            throw new ExportException($"export option DefaultSteps (--steps) is {steps}; it must be between 1 and {MaxSteps}");
        if (DefaultGuidance is { } guidance && (!double.IsFinite(guidance) || guidance < 0))
            throw new ExportException(string.Create(CultureInfo.InvariantCulture, $"export option DefaultGuidance (--guidance) is {guidance}; it must be a finite number ≥ 0 (1 switches guidance off)"));
        if (Shift is { } shift && (!double.IsFinite(shift) || shift <= 0))
            throw new ExportException(string.Create(CultureInfo.InvariantCulture, $"export option Shift (--shift) is {shift}; it must be a finite number > 0"));
        if (DType is not ("float32" or "float16"))
            throw new ExportException($"export option DType (--dtype) is '{DType}'; it must be float32 or float16");
    }
}
