namespace Jano.Export;

public sealed record ExportOptions
{
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
    /// <summary>Progress lines ("writing block_03.pre.onnx"); null for silence.</summary>
    public Action<string>? Log { get; init; }
}
