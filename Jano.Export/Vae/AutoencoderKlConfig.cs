using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jano.Export.Vae;

/// <summary>
/// The fields of diffusers' AutoencoderKL config.json (v0.32) that decide the decoder graph. Anything
/// that would change the decoder's computation in a way this exporter does not implement is rejected
/// with an error naming the file and the field; a key AutoencoderKL does not know is rejected too,
/// because diffusers would only warn about it and we cannot tell whether it matters. Encoder-only
/// fields (down_block_types, use_quant_conv) are read for their type only.
/// </summary>
public sealed record AutoencoderKlConfig
{
    public const string ClassName = "AutoencoderKL";
    public const string UpBlockType = "UpDecoderBlock2D";

    /// <summary>The resnets' and norms' epsilon: diffusers' Decoder hard-codes 1e-6 (not a config field).</summary>
    public const float NormEpsilon = 1e-6f;

    /// <summary>Every __init__ argument of diffusers' AutoencoderKL: the keys a config.json may carry besides "_…".</summary>
    private static readonly HashSet<string> KnownKeys = new(StringComparer.Ordinal)
    {
        "in_channels", "out_channels", "down_block_types", "up_block_types", "block_out_channels", "layers_per_block",
        "act_fn", "latent_channels", "norm_num_groups", "sample_size", "scaling_factor", "shift_factor",
        "latents_mean", "latents_std", "force_upcast", "use_quant_conv", "use_post_quant_conv", "mid_block_add_attention",
    };

    /// <summary>Image channels of the decoder's output (out_channels).</summary>
    public required int OutChannels { get; init; }
    public required int LatentChannels { get; init; }
    /// <summary>Per level, from the highest resolution (block_out_channels[0]) to the lowest; the decoder walks it reversed.</summary>
    public required int[] BlockOutChannels { get; init; }
    /// <summary>The decoder's up blocks hold layers_per_block + 1 resnets each.</summary>
    public required int LayersPerBlock { get; init; }
    public required int NormNumGroups { get; init; }
    public required int SampleSize { get; init; }
    public required double ScalingFactor { get; init; }
    /// <summary>Null in SD-style VAEs; SD3/FLUX add it after dividing by the scaling factor.</summary>
    public double? ShiftFactor { get; init; }
    public required bool UsePostQuantConv { get; init; }
    public required bool MidBlockAddAttention { get; init; }
    /// <summary>diffusers runs such a VAE in float32 even in a float16 pipeline (it overflows in half).</summary>
    public required bool ForceUpcast { get; init; }

    public int Levels => BlockOutChannels.Length;

    /// <summary>Output pixels per latent along each axis: one nearest ×2 per up block but the last.</summary>
    public int UpscaleFactor => 1 << (Levels - 1);

    /// <summary>The mid block's (and conv_in's) width: the lowest-resolution level.</summary>
    public int TopChannels => BlockOutChannels[^1];

    /// <summary>Latent tile size diffusers' tiled decoding uses (tile_latent_min_size).</summary>
    public int DefaultTileLatents => SampleSize / UpscaleFactor;

    public static AutoencoderKlConfig Load(string path)
    {
        return Parse(ConfigReader.LoadObject(path), path);
    }

    public static AutoencoderKlConfig Parse(JsonObject root, string path)
    {
        var reader = new ConfigReader(root, path);
        var className = reader.String("_class_name", null);
        if (className != ClassName)
            throw new ExportException($"{path}: field '_class_name' is '{className ?? "(missing)"}'; this exporter decodes: {ClassName}");
        foreach (var (key, _) in root)
            if (!key.StartsWith('_') && !KnownKeys.Contains(key))
                throw reader.Error(key, $"is not an AutoencoderKL setting this exporter knows ({string.Join(", ", KnownKeys.Order(StringComparer.Ordinal))})");

        // diffusers' get_activation maps both names to SiLU.
        var act = reader.String("act_fn", "silu");
        if (act is not ("silu" or "swish")) throw reader.Error("act_fn", $"is '{act}'; only 'silu' is supported");

        var blocks = reader.OptionalIntArray("block_out_channels") ?? [64];
        var upTypes = reader.OptionalStringArray("up_block_types") ?? [UpBlockType];
        _ = reader.OptionalStringArray("down_block_types");
        _ = reader.OptionalBool("use_quant_conv");
        var outChannels = reader.Int("out_channels", 3);
        _ = reader.Int("in_channels", 3);
        var latent = reader.Int("latent_channels", 4);
        var layers = reader.Int("layers_per_block", 1);
        var groups = reader.Int("norm_num_groups", 32);
        // diffusers also accepts a (height, width) sample_size and then uses its first entry for tiling.
        var sample = root["sample_size"] is JsonArray ? (reader.OptionalIntArray("sample_size") is [var first, ..] ? first : 0)
            : reader.OptionalInt("sample_size") ?? 32;
        var scaling = reader.OptionalDouble("scaling_factor") ?? 0.18215;
        var shift = reader.OptionalDouble("shift_factor");
        var postQuant = reader.OptionalBool("use_post_quant_conv") ?? true;
        var midAttention = reader.OptionalBool("mid_block_add_attention") ?? true;
        var forceUpcast = reader.OptionalBool("force_upcast") ?? true;

        // Per-channel latent statistics replace scaling/shift in the pipelines that use them; the
        // decoder component carries only the two scalars, so such a VAE would decode wrongly.
        foreach (var field in new[] { "latents_mean", "latents_std" })
            if (reader.Has(field))
                throw reader.Error(field, "is set (per-channel latent statistics); only scaling_factor and shift_factor are supported");

        if (blocks.Length == 0) throw reader.Error("block_out_channels", "is empty");
        for (var i = 0; i < blocks.Length; i++)
        {
            if (blocks[i] <= 0) throw reader.Error("block_out_channels", $"item {i} must be positive, found {blocks[i]}");
            if (groups > 0 && blocks[i] % groups != 0)
                throw reader.Error("block_out_channels", $"item {i} ({blocks[i]}) is not divisible by norm_num_groups {groups}");
        }
        if (upTypes.Length != blocks.Length)
            throw reader.Error("up_block_types", $"lists {upTypes.Length} block(s), but block_out_channels has {blocks.Length}");
        for (var i = 0; i < upTypes.Length; i++)
            if (upTypes[i] != UpBlockType)
                throw reader.Error("up_block_types", $"item {i} is '{upTypes[i]}'; only '{UpBlockType}' is supported");
        if (outChannels <= 0) throw reader.Error("out_channels", "must be positive");
        if (latent <= 0) throw reader.Error("latent_channels", "must be positive");
        if (layers <= 0) throw reader.Error("layers_per_block", "must be positive");
        if (groups <= 0) throw reader.Error("norm_num_groups", "must be positive");
        if (sample <= 0) throw reader.Error("sample_size", "must be positive");
        if (!double.IsFinite(scaling) || scaling == 0) throw reader.Error("scaling_factor", $"must be a finite non-zero number, found {scaling}");
        if (shift is { } s && !double.IsFinite(s)) throw reader.Error("shift_factor", $"must be finite, found {s}");

        return new AutoencoderKlConfig
        {
            OutChannels = outChannels,
            LatentChannels = latent,
            BlockOutChannels = blocks,
            LayersPerBlock = layers,
            NormNumGroups = groups,
            SampleSize = sample,
            ScalingFactor = scaling,
            ShiftFactor = shift,
            UsePostQuantConv = postQuant,
            MidBlockAddAttention = midAttention,
            ForceUpcast = forceUpcast,
        };
    }
}
