using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jano.Runtime.Packages;

/// <summary>
/// jano-model.json: everything the runtime needs to know about a model package. Written by
/// Jano.Export, read by the runtime; the file list with sha256 lets the runtime refuse a package
/// whose files were altered or are missing.
/// </summary>
public sealed record ModelManifest
{
    public const string FileName = "jano-model.json";
    public const string FormatName = "jano-model";
    public const int CurrentFormatVersion = 1;

    public string Format { get; init; } = FormatName;
    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string Family { get; init; }
    public string Name { get; init; } = "";
    public required ModelDims Dims { get; init; }
    public required TextEncoderSettings TextEncoder { get; init; }
    public required SamplerSettings Sampler { get; init; }
    public GenerationDefaults Defaults { get; init; } = new();
    [JsonPropertyName("dtype")]
    public string DType { get; init; } = "float32";
    public required StageFiles Stages { get; init; }
    /// <summary>Named Jano presets for this model's size; <see cref="DefaultJanoPreset"/> is used by `jano generate`.</summary>
    public Dictionary<string, Scheduling.JanoOptions>? JanoPresets { get; init; }
    public string? DefaultJanoPreset { get; init; }
    public List<PackageFile> Files { get; init; } = [];

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

/// <summary>Shapes of the transformer; Tokens = (SampleSize / PatchSize)².</summary>
public sealed record ModelDims
{
    public required int HiddenSize { get; init; }
    public required int Depth { get; init; }
    public required int Heads { get; init; }
    public required int HeadDim { get; init; }
    public required int MlpHidden { get; init; }
    public required int PatchSize { get; init; }
    public required int InChannels { get; init; }
    public required int OutChannels { get; init; }
    public required int SampleSize { get; init; }
    public required int CaptionChannels { get; init; }
    public int ModulationSize { get; init; }
    [JsonIgnore]
    public int GridSize => SampleSize / PatchSize;
    [JsonIgnore]
    public int Tokens => GridSize * GridSize;
    [JsonIgnore]
    public int PatchInputWidth => PatchSize * PatchSize * InChannels;
    [JsonIgnore]
    public int PatchOutputWidth => PatchSize * PatchSize * OutChannels;
}

public sealed record TextEncoderSettings
{
    public string Name { get; init; } = "all-MiniLM-L6-v2";
    public int HiddenSize { get; init; } = 384;
    public int MaxTokens { get; init; } = 64;
}

/// <summary>
/// Kind "flow-euler": rectified flow, the model predicts velocity ε − x₀ at timestep 1000·σ (diffusers'
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
}

public sealed record GenerationDefaults
{
    public int Steps { get; init; } = 20;
    public double Guidance { get; init; } = 4.5;
}

/// <summary>Relative file names of the stage graphs.</summary>
public sealed record StageFiles
{
    public required string Embed { get; init; }
    public required string Cond { get; init; }
    public required string Context { get; init; }
    public required List<BlockFiles> Blocks { get; init; }
    public required string Final { get; init; }
    /// <summary>Self-attention as ONNX Runtime's MultiHeadAttention (query, key, value → output).</summary>
    public required string Attention { get; init; }
    public required string Model { get; init; }
    /// <summary>safetensors file with tensor "pos_embed" [Tokens, HiddenSize].</summary>
    public required string Positions { get; init; }
}

public sealed record BlockFiles(string Pre, string Post);

public sealed record PackageFile(string Path, string Sha256, long Bytes);
