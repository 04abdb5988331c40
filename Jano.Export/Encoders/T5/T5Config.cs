using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jano.Export.Encoders.T5;

/// <summary>The activation of T5's feed-forward layer (transformers' dense_act_fn).</summary>
public enum T5Activation
{
    /// <summary>"relu": original T5.</summary>
    Relu,
    /// <summary>"gelu": exact (erf) GELU.</summary>
    Gelu,
    /// <summary>"gelu_new" (also "gelu_pytorch_tanh"): the tanh approximation; T5 v1.1, Flan-T5, mT5, umT5.</summary>
    GeluTanh,
    /// <summary>"silu" / "swish".</summary>
    Silu,
}

/// <summary>
/// The fields of a transformers T5 / mT5 / umT5 config.json that decide the encoder's graph. As for
/// the PixArt exporter, a field this exporter would compute differently is rejected with the file
/// and field named instead of being exported wrongly. Dropout, caching and decoder fields do not
/// affect the encoder at inference and are ignored.
/// </summary>
public sealed record T5Config
{
    /// <summary>model_type values read: t5 and mt5 (relative bias in block 0, shared by every layer) and umt5 (a bias per layer).</summary>
    public static readonly IReadOnlyList<string> ModelTypes = ["t5", "mt5", "umt5"];

    public required string ModelType { get; init; }
    public required int VocabSize { get; init; }
    public required int DModel { get; init; }
    public required int DKv { get; init; }
    public required int DFf { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int NumBuckets { get; init; }
    public required int MaxDistance { get; init; }
    public required float LayerNormEpsilon { get; init; }
    public required T5Activation Activation { get; init; }
    /// <summary>wo(act(wi_0 x) · wi_1 x) when true, wo(act(wi x)) when false.</summary>
    public required bool IsGated { get; init; }
    /// <summary>The checkpoint is a whole encoder-decoder (…ForConditionalGeneration, …Model): its decoder.* and lm_head.* tensors are not the encoder's and are left alone.</summary>
    public bool HasDecoderWeights { get; init; }

    /// <summary>Width of the attention's q, k, v (heads × d_kv; equal to d_model in the published checkpoints, not required).</summary>
    public int InnerDim => NumHeads * DKv;

    /// <summary>umT5 gives every layer its own relative-attention bias; T5 and mT5 compute it in block 0 and reuse it.</summary>
    public bool BiasInEveryLayer => ModelType == "umt5";

    /// <summary>Whether block <paramref name="layer"/> owns a relative_attention_bias table.</summary>
    public bool HasRelativeBias(int layer) => layer == 0 || BiasInEveryLayer;

    public static T5Config Load(string path)
    {
        return Parse(ConfigReader.LoadObject(path), path);
    }

    public static T5Config Parse(JsonObject root, string path)
    {
        var reader = new ConfigReader(root, path);
        var modelType = reader.String("model_type", null);
        if (modelType is null || !ModelTypes.Contains(modelType))
            throw reader.Error("model_type", $"is '{modelType ?? "(missing)"}'; this exporter reads {string.Join(", ", ModelTypes)}");
        var hasDecoder = Architectures(root, reader);
        if (reader.OptionalBool("is_decoder") == true)
            throw reader.Error("is_decoder", "is true; only the bidirectional encoder is exported");

        // Defaults are transformers' T5Config / UMT5Config defaults.
        var feedForward = reader.String("feed_forward_proj", modelType == "t5" ? "relu" : "gated-gelu")!;
        var (activation, gated) = ParseFeedForward(feedForward, reader);
        CheckDerived(reader, activation, gated, feedForward);

        var config = new T5Config
        {
            ModelType = modelType,
            VocabSize = reader.Int("vocab_size", modelType == "t5" ? 32128 : 250112),
            DModel = reader.Int("d_model", 512),
            DKv = reader.Int("d_kv", 64),
            DFf = reader.Int("d_ff", modelType == "t5" ? 2048 : 1024),
            NumLayers = reader.Int("num_layers", modelType == "t5" ? 6 : 8),
            NumHeads = reader.Int("num_heads", modelType == "t5" ? 8 : 6),
            NumBuckets = reader.Int("relative_attention_num_buckets", 32),
            MaxDistance = reader.Int("relative_attention_max_distance", 128),
            LayerNormEpsilon = (float)(reader.OptionalDouble("layer_norm_epsilon") ?? 1e-6),
            Activation = activation,
            IsGated = gated,
            HasDecoderWeights = hasDecoder,
        };
        foreach (var (field, value) in new[] { ("vocab_size", config.VocabSize), ("d_model", config.DModel), ("d_kv", config.DKv), ("d_ff", config.DFf), ("num_layers", config.NumLayers), ("num_heads", config.NumHeads) })
            if (value <= 0) throw reader.Error(field, "must be positive");
        // Bidirectional buckets: half per direction, a quarter of them exact; the log-spaced rest needs max_distance beyond them.
        if (config.NumBuckets < 4 || config.NumBuckets % 2 != 0)
            throw reader.Error("relative_attention_num_buckets", $"is {config.NumBuckets}; it must be even and at least 4 (half per direction, each half exact then log-spaced)");
        if (config.MaxDistance <= config.NumBuckets / 4)
            throw reader.Error("relative_attention_max_distance", $"is {config.MaxDistance}; it must exceed the {config.NumBuckets / 4} exact positions of relative_attention_num_buckets {config.NumBuckets}");
        if (!(config.LayerNormEpsilon > 0) || float.IsInfinity(config.LayerNormEpsilon))
            throw reader.Error("layer_norm_epsilon", "must be a positive number");
        return config;
    }

    /// <summary>transformers' rule: "gated-ACT" or "ACT"; "gated-gelu" means gelu_new (tanh) for backwards compatibility.</summary>
    private static (T5Activation, bool) ParseFeedForward(string value, ConfigReader reader)
    {
        var parts = value.Split('-');
        if (parts.Length > 2 || (parts.Length == 2 && parts[0] != "gated"))
            throw reader.Error("feed_forward_proj", $"is '{value}'; expected 'gated-ACT' or 'ACT', e.g. 'gated-gelu' or 'relu'");
        var gated = parts.Length == 2;
        var name = value == "gated-gelu" ? "gelu_new" : parts[^1];
        return (ActivationOf(name) ?? throw reader.Error("feed_forward_proj", $"is '{value}'; the activation '{parts[^1]}' is not one of relu, gelu, gelu_new, gelu_pytorch_tanh, silu, swish"), gated);
    }

    private static T5Activation? ActivationOf(string name) => name switch
    {
        "relu" => T5Activation.Relu,
        "gelu" => T5Activation.Gelu,
        "gelu_new" or "gelu_pytorch_tanh" => T5Activation.GeluTanh,
        "silu" or "swish" => T5Activation.Silu,
        _ => null,
    };

    /// <summary>
    /// config.json also stores the derived dense_act_fn and is_gated_act, and transformers lets the stored
    /// values win over feed_forward_proj; they agree in every published checkpoint, so a disagreement is
    /// an edited config whose meaning we refuse to guess.
    /// </summary>
    private static void CheckDerived(ConfigReader reader, T5Activation activation, bool gated, string feedForward)
    {
        var stored = reader.String("dense_act_fn", null);
        if (stored is not null && ActivationOf(stored) != activation)
            throw reader.Error("dense_act_fn", $"is '{stored}' but feed_forward_proj '{feedForward}' means {activation}; make them agree");
        if (reader.OptionalBool("is_gated_act") is { } storedGated && storedGated != gated)
            throw reader.Error("is_gated_act", $"is {storedGated.ToString().ToLowerInvariant()} but feed_forward_proj is '{feedForward}'; make them agree");
    }

    /// <summary>Encoder-only classes, or whole encoder-decoders whose decoder is then ignored; anything else is another model.</summary>
    private static bool Architectures(JsonObject root, ConfigReader reader)
    {
        // Read through the reader so a non-string entry is refused naming the field (found by AFL++: a number here crashed).
        if (root["architectures"] is not JsonArray || reader.OptionalStringArray("architectures") is not { } list) return false;
        var hasDecoder = false;
        foreach (var name in list)
        {
            var known = new[] { "T5", "MT5", "UMT5" }.Any(p => name.StartsWith(p, StringComparison.Ordinal));
            if (known && name.EndsWith("EncoderModel", StringComparison.Ordinal)) continue;
            if (known && (name.EndsWith("ForConditionalGeneration", StringComparison.Ordinal) || name is "T5Model" or "MT5Model" or "UMT5Model"))
            {
                hasDecoder = true;
                continue;
            }
            throw reader.Error("architectures", $"lists '{name}'; expected T5EncoderModel, UMT5EncoderModel (or MT5…), or a T5 encoder-decoder whose encoder is taken");
        }
        return hasDecoder;
    }
}
