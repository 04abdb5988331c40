using System.Text.Json;
using System.Text.Json.Serialization;
using Jano.Core.Acceleration;
using Jano.Core.Geometry;

namespace Jano.Core.Packages;

/// <summary>
/// jano-model.json, format version 2 (docs/PACKAGE.md): the components of a pipeline (transformer,
/// text encoders, decoder, scheduler), generation defaults, Jano presets and the file list with sha256.
/// Written by Jano.Export, read by the runtime.
/// </summary>
public sealed record ModelManifest
{
    public const string FileName = "jano-model.json";
    public const string FormatName = "jano-model";
    public const int CurrentFormatVersion = 2;

    public string Format { get; init; } = FormatName;
    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public string Name { get; init; } = "";
    public required ModelComponents Components { get; init; }
    public GenerationDefaults Defaults { get; init; } = new();
    /// <summary>Named Jano presets for this model's size; <see cref="DefaultJanoPreset"/> is the one a generation uses unless told otherwise.</summary>
    public Dictionary<string, JanoOptions>? JanoPresets { get; init; }
    public string? DefaultJanoPreset { get; init; }
    /// <summary>Per-package calibrations of accelerators (TeaCache's polynomial); optional.</summary>
    public AccelerationCalibration? Acceleration { get; init; }
    public List<PackageFile> Files { get; init; } = [];

    [JsonIgnore] public TransformerComponent Transformer => Components.Transformer;
    [JsonIgnore] public string Family => Transformer.Family;
    [JsonIgnore] public LatentGeometry Geometry => Transformer.Geometry;
    [JsonIgnore] public ModelDims Dims => Transformer.Dims;
    [JsonIgnore] public string DType => Transformer.DType;
    [JsonIgnore] public TransformerStages Stages => Transformer.Stages;
    /// <summary>The sampler settings of a package without a scheduler config; null when the config decides.</summary>
    [JsonIgnore] public SamplerSettings? Sampler => Components.Scheduler.Sampler;

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        AllowDuplicateProperties = false, // a field given twice is refused, not last-wins
        RespectNullableAnnotations = true, // a JSON null where the schema has no null is refused at its path
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

public sealed record ModelComponents
{
    public required TransformerComponent Transformer { get; init; }
    public required List<TextEncoderComponent> TextEncoders { get; init; }
    public DecoderComponent Decoder { get; init; } = new();
    public required SchedulerComponent Scheduler { get; init; }
}

/// <summary>The denoising transformer: family, dtype, geometry, sizes, stage graphs by role, per-token tables.</summary>
public sealed record TransformerComponent
{
    public required string Family { get; init; }
    [JsonPropertyName("dtype")]
    public string DType { get; init; } = "float32";
    public required LatentGeometry Geometry { get; init; }
    public required ModelDims Dims { get; init; }
    public required TransformerStages Stages { get; init; }
    /// <summary>Per-token tables (positions; RoPE cos/sin for later families), gathered in scheduling order.</summary>
    public List<TokenTable> Tables { get; init; } = [];
    /// <summary>
    /// How the runtime makes the position table for a latent size other than <see cref="Geometry"/>
    /// (the table file holds the package's own size); null: the package runs at its geometry only.
    /// </summary>
    public PositionGenerator? Positions { get; init; }
    /// <summary>Micro-conditions (resolution and aspect ratio of the image, PixArt-α 1024); null for a model without them.</summary>
    public MicroConditions? MicroConditions { get; init; }
    /// <summary>
    /// The rotary position embedding the pre graphs apply (FLUX): the runtime computes its per-token table
    /// for any latent size; null for a family with additive positions.
    /// </summary>
    public RotaryEmbedding? Rope { get; init; }
    /// <summary>
    /// What the guidance scale does: null or "cfg", classifier-free guidance over two branches (PixArt, SD3);
    /// "embedded", the scale is an input of the cond graph and one branch runs (FLUX.1-dev's guidance
    /// distillation; classifier-free guidance only through trueCfg); "none", the model takes no guidance
    /// (FLUX.1-schnell, or a FLUX-shaped model without guidance_embeds; trueCfg as above).
    /// </summary>
    public string? Guidance { get; init; }

    public const string CfgGuidance = "cfg";
    public const string EmbeddedGuidance = "embedded";
    public const string NoGuidance = "none";

    /// <summary>Whether defaults.guidance / --guidance is the classifier-free guidance scale (else trueCfg is).</summary>
    [JsonIgnore] public bool GuidanceIsCfg => Guidance is null or CfgGuidance;
}

/// <summary>
/// Kind "sincos-2d" (PixArt): diffusers' get_2d_sincos_pos_embed for the grid asked, with the config's base
/// size (grid) and interpolation scale. Kind "sincos-2d-cropped" (SD3): the same table built once over a
/// <see cref="MaxSize"/> × MaxSize grid (pos_embed_max_size) and cropped at the centre for each grid, as
/// diffusers' PatchEmbed.cropped_pos_embed does; a grid larger than MaxSize on either side cannot run.
/// </summary>
public sealed record PositionGenerator(string Kind, int BaseSize, double InterpolationScale)
{
    public const string SinCos2D = "sincos-2d";
    public const string SinCos2DCropped = "sincos-2d-cropped";

    /// <summary>Kind sincos-2d-cropped: the side of the grid the table is built over; null for sincos-2d.</summary>
    public int? MaxSize { get; init; }

    /// <summary>Why a patch grid of rows × columns cannot get a table from this generator, or null when it can.</summary>
    public string? GridProblem(int rows, int columns) =>
        Kind == SinCos2DCropped && MaxSize is { } max && (rows > max || columns > max)
            ? $"its patch grid {rows}×{columns} exceeds the position table's {max}×{max} (the transformer's pos_embed_max_size)"
            : null;
}

/// <summary>Image pixels per latent pixel (the VAE's factor; 1 in pixel space): the image size the micro-conditions describe is the latent size times this.</summary>
public sealed record MicroConditions(int PixelsPerLatent);

/// <summary>Widths of the transformer (the token geometry is <see cref="LatentGeometry"/>).</summary>
public sealed record ModelDims
{
    public required int HiddenSize { get; init; }
    public required int Depth { get; init; }
    public required int Heads { get; init; }
    public required int HeadDim { get; init; }
    public required int MlpHidden { get; init; }
    /// <summary>Width of the text encoder's token states the transformer takes.</summary>
    public required int CaptionChannels { get; init; }
    public int ModulationSize { get; init; }
    /// <summary>Width of the pooled text vector the cond graph takes (FLUX's pooled_projection_dim); 0 where the manifest does not say.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int PooledWidth { get; init; }
}

/// <summary>
/// A text encoder: kind minilm | t5 | clip, its width and maximum token count, and which outputs the
/// transformer uses ("states", "pooled"). Graph and tokenizer are files of the package, or null for
/// the built-in MiniLM.
/// </summary>
public sealed record TextEncoderComponent
{
    public const string MiniLm = "minilm";
    public const string T5 = "t5";
    public const string Clip = "clip";

    public required string Kind { get; init; }
    public string Name { get; init; } = "";
    public required int HiddenSize { get; init; }
    public required int MaxTokens { get; init; }
    public List<string> Outputs { get; init; } = ["states"];
    public string? Graph { get; init; }
    public List<string>? Tokenizer { get; init; }
    /// <summary>
    /// What the pipeline does to a prompt before tokenising: null nothing; "lower-strip" lower-case and
    /// trim (diffusers' PixArt pipelines without clean_caption's extra packages).
    /// </summary>
    public string? Preprocess { get; init; }

    public const string LowerStrip = "lower-strip";

    /// <summary>
    /// Kind clip: which per-token states the pipeline takes, "penultimate" (hidden_states[-2], SD3's
    /// default clip_skip) or "last" (last_hidden_state); null is penultimate. The pooled vector is
    /// text_embeds for a model with projection, else the pooled EOS state.
    /// </summary>
    public string? States { get; init; }

    public const string PenultimateStates = "penultimate";
    public const string LastStates = "last";
}

/// <summary>
/// How latents become pixels: "none" for pixel-space models, or an AutoencoderKL decoder graph, which is
/// vae.decode alone: the runtime feeds it latents / ScalingFactor + ShiftFactor (docs/PACKAGE.md).
/// </summary>
public sealed record DecoderComponent
{
    public const string None = "none";
    public const string AutoencoderKl = "autoencoder-kl";

    public string Kind { get; init; } = None;
    public string? Graph { get; init; }
    public double ScalingFactor { get; init; } = 1.0;
    public double ShiftFactor { get; init; }
}

/// <summary>
/// The scheduler: diffusers' class name and its scheduler_config.json carried verbatim, which the
/// runtime runs with diffusers' semantics (Jano.Core/Schedulers decides what it can run). A package
/// without a config (a model trained here, such as the default model) has <see cref="Sampler"/>
/// settings instead, run by the runtime's own samplers; when both are present the config decides.
/// </summary>
public sealed record SchedulerComponent
{
    public required string ClassName { get; init; }
    /// <summary>scheduler_config.json as the checkpoint had it (Python's NaN/Infinity literals as strings, see DiffusersJson).</summary>
    public JsonElement? Config { get; init; }
    public SamplerSettings? Sampler { get; init; }
}

/// <summary>
/// The sampler of a package without a scheduler config. Kind "flow-euler": rectified flow, the model predicts velocity ε − x₀ at timestep 1000·σ (diffusers'
/// FlowMatchEulerDiscreteScheduler). Kind "ddim": the model predicts ε at a discrete DDPM timestep.
/// </summary>
public sealed record SamplerSettings
{
    public const string FlowEuler = "flow-euler";
    public const string Ddim = "ddim";

    public required string Kind { get; init; }
    public int TrainTimesteps { get; init; } = 1000;
    public double Shift { get; init; } = 1.0;
    public double BetaStart { get; init; } = 0.0001;
    public double BetaEnd { get; init; } = 0.02;
    public string BetaSchedule { get; init; } = "linear";

    /// <summary>diffusers' class for a sampler kind, for packages exported without a scheduler config.</summary>
    public static string ClassNameOf(string kind) => kind == Ddim ? "DDIMScheduler" : "FlowMatchEulerDiscreteScheduler";
}

public sealed record GenerationDefaults
{
    public int Steps { get; init; } = 20;
    /// <summary>The guidance scale: classifier-free for most families, the embedded scale for FLUX.1-dev (transformer.guidance).</summary>
    public double Guidance { get; init; } = 4.5;
    /// <summary>
    /// FluxPipeline's true_cfg_scale for a package whose guidance is not classifier-free: above 1, two
    /// branches (prompt and negative prompt) combined as CFG; null or 1: one branch.
    /// </summary>
    public double? TrueCfg { get; init; }
}

public sealed record PackageFile(string Path, string Sha256, long Bytes);
