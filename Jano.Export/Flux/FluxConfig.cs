using System.Text.Json.Nodes;
using Jano.Core.Geometry;

namespace Jano.Export.Flux;

/// <summary>
/// The fields of diffusers' FluxTransformer2DModel config.json that decide the graph (v0.32.2 defaults
/// are FLUX.1-dev's sizes). Tokens are 2×2-packed latent patches (FluxPipeline._pack_latents), so
/// in_channels is 4 × the latent channels and patch_size is 1 in every FLUX checkpoint; what this exporter
/// does not implement is rejected naming the field.
/// </summary>
public sealed record FluxConfig
{
    public const string ClassName = "FluxTransformer2DModel";

    public required int InChannels { get; init; }
    public required int OutChannels { get; init; }
    public required int NumLayers { get; init; }
    public required int NumSingleLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int JointAttentionDim { get; init; }
    public required int PooledProjectionDim { get; init; }
    public required bool GuidanceEmbeds { get; init; }
    public required IReadOnlyList<int> AxesDimsRope { get; init; }

    /// <summary>diffusers hard-codes 1e-6 for every norm of the model.</summary>
    public const float NormEps = 1e-6f;

    public int HiddenSize => NumHeads * HeadDim;
    public int MlpHidden => 4 * HiddenSize;
    public int Depth => NumLayers + NumSingleLayers;
    /// <summary>Channels of the unpacked latent: in_channels / 4.</summary>
    public int LatentChannels => InChannels / 4;
    public int LatentOutChannels => OutChannels / 4;
    public RotaryEmbedding Rope => new(RotaryEmbedding.FluxTheta, AxesDimsRope);

    public static FluxConfig Load(string path) => Parse(ConfigReader.LoadObject(path), path);

    public static FluxConfig Parse(JsonObject root, string path)
    {
        var reader = new ConfigReader(root, path);
        var className = reader.String("_class_name", null);
        if (className != ClassName)
            throw new ExportException($"{path}: field '_class_name' is '{className ?? "(missing)"}'; this exporter knows: {ClassName}");
        var patch = reader.Int("patch_size", 1);
        var inChannels = reader.Int("in_channels", 64);
        var outChannels = reader.OptionalInt("out_channels") ?? inChannels;
        var layers = reader.Int("num_layers", 19);
        var single = reader.Int("num_single_layers", 38);
        var headDim = reader.Int("attention_head_dim", 128);
        var heads = reader.Int("num_attention_heads", 24);
        var joint = reader.Int("joint_attention_dim", 4096);
        var pooled = reader.Int("pooled_projection_dim", 768);
        var guidance = reader.OptionalBool("guidance_embeds") ?? false;
        var axes = reader.OptionalIntArray("axes_dims_rope") ?? [16, 56, 56];

        // FluxTransformer2DModel's x_embedder is a linear over packed tokens; a patch size other than 1
        // would be a second patching diffusers' FLUX pipelines never do.
        if (patch != 1) throw reader.Error("patch_size", $"is {patch}; FLUX checkpoints use 1 (tokens are the pipeline's 2×2-packed latents)");
        if (inChannels <= 0 || inChannels % 4 != 0) throw reader.Error("in_channels", $"is {inChannels}; it must be a positive multiple of 4 (2×2-packed latent channels)");
        if (outChannels <= 0 || outChannels % 4 != 0) throw reader.Error("out_channels", $"is {outChannels}; it must be a positive multiple of 4 (2×2-packed latent channels)");
        if (outChannels != inChannels) throw reader.Error("out_channels", $"is {outChannels} but in_channels is {inChannels}; the pipeline's scheduler steps latents of one shape");
        if (layers < 0 || single < 0 || layers + single == 0) throw reader.Error("num_layers", $"and num_single_layers ({layers}, {single}) must be ≥ 0 and not both 0");
        if (heads <= 0 || headDim <= 0) throw reader.Error("num_attention_heads", "heads and head dim must be positive");
        if (joint <= 0) throw reader.Error("joint_attention_dim", "must be positive");
        if (pooled <= 0) throw reader.Error("pooled_projection_dim", "must be positive");
        var rope = new RotaryEmbedding(RotaryEmbedding.FluxTheta, axes);
        if (rope.Problem(headDim) is { } problem) throw reader.Error("axes_dims_rope", problem + " (attention_head_dim)");

        return new FluxConfig
        {
            InChannels = inChannels, OutChannels = outChannels, NumLayers = layers, NumSingleLayers = single,
            NumHeads = heads, HeadDim = headDim, JointAttentionDim = joint, PooledProjectionDim = pooled,
            GuidanceEmbeds = guidance, AxesDimsRope = axes,
        };
    }
}
