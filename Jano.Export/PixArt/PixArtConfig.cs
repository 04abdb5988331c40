using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jano.Export.PixArt;

/// <summary>
/// The fields of diffusers' PixArtTransformer2DModel config.json that decide the graph. Anything
/// that would change the computation in a way this exporter does not implement is rejected with
/// an error naming the file and the field, rather than exported wrongly.
/// </summary>
public sealed record PixArtConfig
{
    public const string ClassName = "PixArtTransformer2DModel";

    public required int SampleSize { get; init; }
    public required int PatchSize { get; init; }
    public required int InChannels { get; init; }
    public required int OutChannels { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int CaptionChannels { get; init; }
    public required float NormEps { get; init; }
    public required float InterpolationScale { get; init; }
    /// <summary>Resolution and aspect-ratio embeddings added to the timestep embedding (PixArt-α 1024's micro-conditions).</summary>
    public bool UseAdditionalConditions { get; init; }

    /// <summary>Width of each size embedding (resolution height, width, aspect ratio): D / 3, as diffusers' AdaLayerNormSingle.</summary>
    public int SizeEmbeddingWidth => HiddenSize / 3;

    public int HiddenSize => NumHeads * HeadDim;
    public int MlpHidden => 4 * HiddenSize;
    public int GridSize => SampleSize / PatchSize;
    public int Tokens => GridSize * GridSize;
    public int PatchInputWidth => PatchSize * PatchSize * InChannels;
    public int PatchOutputWidth => PatchSize * PatchSize * OutChannels;

    public static PixArtConfig Load(string path)
    {
        return Parse(ConfigReader.LoadObject(path), path);
    }

    public static PixArtConfig Parse(JsonObject root, string path)
    {
        var reader = new ConfigReader(root, path);
        var className = reader.String("_class_name", null);
        if (className != ClassName)
            throw new ExportException($"{path}: field '_class_name' is '{className ?? "(missing)"}'; this exporter knows the families: {ClassName}");

        reader.Require("norm_type", "ada_norm_single", "ada_norm_single");
        reader.Require("activation_fn", "gelu-approximate", "gelu-approximate");
        reader.RequireBool("norm_elementwise_affine", false, false);
        reader.RequireBool("attention_bias", true, true);
        reader.Require("attention_type", "default", "default");

        var sample = reader.Int("sample_size", null);
        var patch = reader.Int("patch_size", null);
        var inChannels = reader.Int("in_channels", 4);
        var outChannels = reader.OptionalInt("out_channels") ?? inChannels;
        var layers = reader.Int("num_layers", 28);
        var heads = reader.Int("num_attention_heads", 16);
        var headDim = reader.Int("attention_head_dim", 72);
        var caption = reader.Int("caption_channels", null);
        var crossDim = reader.OptionalInt("cross_attention_dim");
        var eps = (float)(reader.OptionalDouble("norm_eps") ?? 1e-6);
        var interpolation = reader.OptionalDouble("interpolation_scale") ?? Math.Max(sample / 64, 1);

        // diffusers turns on resolution/aspect-ratio conditioning for 1024² models (sample_size 128) unless told otherwise.
        var additional = reader.OptionalBool("use_additional_conditions") ?? sample == 128;
        if (additional && heads * headDim % 3 != 0)
            throw reader.Error("use_additional_conditions", $"needs a model width divisible by 3 (the resolution and aspect-ratio embeddings are a third each), found {heads * headDim}");

        if (sample <= 0) throw reader.Error("sample_size", "must be positive");
        if (patch <= 0 || sample % patch != 0) throw reader.Error("patch_size", $"must divide sample_size {sample}");
        if (inChannels <= 0) throw reader.Error("in_channels", "must be positive");
        if (outChannels != inChannels && outChannels != 2 * inChannels)
            throw reader.Error("out_channels", $"must equal in_channels ({inChannels}) or twice it (learned sigma)");
        if (layers <= 0) throw reader.Error("num_layers", "must be positive");
        if (heads <= 0) throw reader.Error("num_attention_heads", "must be positive");
        if (headDim <= 0) throw reader.Error("attention_head_dim", "must be positive");
        if (Jano.Core.Geometry.SinCosPositions2D.WidthProblem(heads * headDim) is { } widthProblem) throw reader.Error("attention_head_dim", widthProblem);
        if (caption <= 0) throw reader.Error("caption_channels", "must be positive");
        if (crossDim is { } c && c != heads * headDim)
            throw reader.Error("cross_attention_dim", $"is {c}, but PixArt's caption projection outputs the model width {heads * headDim}");

        return new PixArtConfig
        {
            SampleSize = sample,
            PatchSize = patch,
            InChannels = inChannels,
            OutChannels = outChannels,
            NumLayers = layers,
            NumHeads = heads,
            HeadDim = headDim,
            CaptionChannels = caption,
            NormEps = eps,
            InterpolationScale = (float)interpolation,
            UseAdditionalConditions = additional,
        };
    }
}
