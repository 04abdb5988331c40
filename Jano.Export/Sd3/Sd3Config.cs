using System.Text.Json.Nodes;

namespace Jano.Export.Sd3;

/// <summary>
/// The fields of diffusers' SD3Transformer2DModel config.json that decide the graph. What this
/// exporter does not implement (qk norms other than rms_norm) is rejected naming the field.
/// </summary>
public sealed record Sd3Config
{
    public const string ClassName = "SD3Transformer2DModel";

    public required int SampleSize { get; init; }
    public required int PatchSize { get; init; }
    public required int InChannels { get; init; }
    public required int OutChannels { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int JointAttentionDim { get; init; }
    public required int PooledProjectionDim { get; init; }
    public required int PosEmbedMaxSize { get; init; }
    /// <summary>Per-head RMS norm (with weights) on the queries and keys of both streams (SD3.5).</summary>
    public required bool QkRmsNorm { get; init; }
    /// <summary>
    /// The layers with SD3.5's MMDiT-X second, image-only attention (attn2, SD35AdaLayerNormZeroX's nine
    /// modulation rows), in ascending order. diffusers builds it for every index of the list, the last
    /// (context_pre_only) layer included.
    /// </summary>
    public IReadOnlyList<int> DualAttentionLayers { get; init; } = [];

    public bool IsDual(int layer) => DualAttentionLayers.Contains(layer);

    /// <summary>diffusers hard-codes 1e-6 for every norm of the model.</summary>
    public const float NormEps = 1e-6f;

    public int HiddenSize => NumHeads * HeadDim;
    public int MlpHidden => 4 * HiddenSize;
    public int PatchInputWidth => PatchSize * PatchSize * InChannels;
    public int PatchOutputWidth => PatchSize * PatchSize * OutChannels;
    /// <summary>diffusers' PatchEmbed base_size: the patch grid of the config's sample size.</summary>
    public int BaseGrid => SampleSize / PatchSize;

    public static Sd3Config Load(string path) => Parse(ConfigReader.LoadObject(path), path);

    public static Sd3Config Parse(JsonObject root, string path)
    {
        var reader = new ConfigReader(root, path);
        var className = reader.String("_class_name", null);
        if (className != ClassName)
            throw new ExportException($"{path}: field '_class_name' is '{className ?? "(missing)"}'; this exporter knows: {ClassName}");

        var sample = reader.Int("sample_size", 128);
        var patch = reader.Int("patch_size", 2);
        var inChannels = reader.Int("in_channels", 16);
        var outChannels = reader.OptionalInt("out_channels") ?? inChannels;
        var layers = reader.Int("num_layers", 18);
        var headDim = reader.Int("attention_head_dim", 64);
        var heads = reader.Int("num_attention_heads", 18);
        var joint = reader.Int("joint_attention_dim", 4096);
        var caption = reader.Int("caption_projection_dim", 1152);
        var pooled = reader.Int("pooled_projection_dim", 2048);
        var maxSize = reader.OptionalInt("pos_embed_max_size")
            ?? throw reader.Error("pos_embed_max_size", "is missing; SD3 crops its position table from this grid");
        var dual = reader.OptionalIntArray("dual_attention_layers") ?? [];
        var qkNorm = reader.String("qk_norm", null);
        if (qkNorm is not null and not "rms_norm")
            throw reader.Error("qk_norm", $"is '{qkNorm}'; only none or 'rms_norm' is implemented");

        if (sample <= 0) throw reader.Error("sample_size", "must be positive");
        if (patch <= 0) throw reader.Error("patch_size", "must be positive");
        if (inChannels <= 0 || outChannels <= 0) throw reader.Error("in_channels", "in and out channels must be positive");
        if (layers <= 0) throw reader.Error("num_layers", "must be positive");
        // diffusers tests `i in dual_attention_layers` per layer: an index outside the layers would be
        // silently ignored there, and a repeated one means nothing more; both are mistakes in a config.
        foreach (var i in dual)
            if (i < 0 || i >= layers) throw reader.Error("dual_attention_layers", $"names layer {i}; layers are 0 to {layers - 1} (num_layers {layers})");
        if (dual.Distinct().Count() != dual.Length)
            throw reader.Error("dual_attention_layers", $"names a layer more than once ({string.Join(", ", dual)}); each index may appear once");
        if (heads <= 0 || headDim <= 0) throw reader.Error("num_attention_heads", "heads and head dim must be positive");
        if (Jano.Core.Geometry.SinCosPositions2D.WidthProblem(heads * headDim) is { } widthProblem) throw reader.Error("attention_head_dim", widthProblem);
        if (caption != heads * headDim)
            throw reader.Error("caption_projection_dim", $"is {caption}, but the context stream must have the model width {heads * headDim}");
        if (joint <= 0) throw reader.Error("joint_attention_dim", "must be positive");
        if (pooled <= 0) throw reader.Error("pooled_projection_dim", "must be positive");
        if (maxSize <= 0) throw reader.Error("pos_embed_max_size", "must be positive");
        // diffusers crops the table for the config's own size too (the pipeline's default size): that grid must fit.
        if (maxSize < sample / patch)
            throw reader.Error("pos_embed_max_size", $"is {maxSize}, smaller than the patch grid of the config's own size (sample_size {sample} / patch_size {patch} = {sample / patch})");

        return new Sd3Config
        {
            SampleSize = sample, PatchSize = patch, InChannels = inChannels, OutChannels = outChannels,
            NumLayers = layers, NumHeads = heads, HeadDim = headDim, JointAttentionDim = joint,
            PooledProjectionDim = pooled, PosEmbedMaxSize = maxSize, QkRmsNorm = qkNorm is not null,
            DualAttentionLayers = dual.Order().ToArray(),
        };
    }
}
