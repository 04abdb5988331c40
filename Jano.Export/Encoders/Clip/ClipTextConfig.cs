using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jano.Export.Encoders.Clip;

/// <summary>The activation between a block's fc1 and fc2.</summary>
public enum ClipActivation
{
    /// <summary>x·σ(1.702x): openai's CLIP (CLIP-L).</summary>
    QuickGelu,
    /// <summary>Exact (erf) GELU: OpenCLIP's bigG (SD3's second encoder).</summary>
    Gelu,
}

/// <summary>Where the pooled state is taken (transformers' CLIPTextTransformer).</summary>
public enum ClipPooling
{
    /// <summary>
    /// The argmax of input_ids: configs with the legacy eos_token_id 2 (openai's, and SD3's and FLUX's
    /// CLIP-L copies of it). The end token 49407 is the largest id in CLIP's vocabulary, so this is its position.
    /// </summary>
    ArgmaxId,
    /// <summary>The first position holding eos_token_id (configs written after transformers fixed eos_token_id).</summary>
    FirstEos,
}

/// <summary>
/// The fields of transformers' CLIPTextConfig (text_encoder/config.json) that decide the graph. A
/// field this exporter does not implement is rejected with the file and the field named, rather than
/// exported wrongly. Defaults are CLIPTextConfig's own.
/// </summary>
public sealed record ClipTextConfig
{
    public const string TextModel = "CLIPTextModel";
    public const string TextModelWithProjection = "CLIPTextModelWithProjection";

    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    /// <summary>Sequence length of the graph: the position table's rows (77 for every released CLIP).</summary>
    public required int MaxPositions { get; init; }
    public required ClipActivation Activation { get; init; }
    public required float LayerNormEps { get; init; }
    /// <summary>Width of text_embeds; used only with <see cref="WithProjection"/>.</summary>
    public required int ProjectionDim { get; init; }
    public required bool WithProjection { get; init; }
    public required int BosTokenId { get; init; }
    public required int EosTokenId { get; init; }
    public required int PadTokenId { get; init; }

    public int HeadDim => HiddenSize / NumHeads;

    /// <summary>
    /// transformers (4.31 to 4.5x): eos_token_id 2 pools at the argmax of the ids, any other value at
    /// its first occurrence. (The newest transformers take the argmax when every row's largest id is
    /// 49407, else the first eos_token_id: the same position for ids from the CLIP tokenizer, which
    /// always ends a prompt with 49407, the largest id.)
    /// </summary>
    public ClipPooling Pooling => EosTokenId == 2 ? ClipPooling.ArgmaxId : ClipPooling.FirstEos;

    public static ClipTextConfig Load(string path)
    {
        return Parse(ConfigReader.LoadObject(path), path);
    }

    public static ClipTextConfig Parse(JsonObject root, string path)
    {
        var reader = new ConfigReader(root, path);
        var architecture = Architecture(root, reader);
        var modelType = reader.String("model_type", "clip_text_model");
        if (modelType != "clip_text_model")
            throw reader.Error("model_type", $"is '{modelType}'; only 'clip_text_model' (a text_encoder folder's config) is supported");

        var act = reader.String("hidden_act", "quick_gelu") switch
        {
            "quick_gelu" => ClipActivation.QuickGelu,
            "gelu" => ClipActivation.Gelu,
            var other => throw reader.Error("hidden_act", $"is '{other}'; only 'quick_gelu' and 'gelu' are supported"),
        };

        var vocab = reader.Int("vocab_size", 49408);
        var hidden = reader.Int("hidden_size", 512);
        var intermediate = reader.Int("intermediate_size", 2048);
        var layers = reader.Int("num_hidden_layers", 12);
        var heads = reader.Int("num_attention_heads", 8);
        var positions = reader.Int("max_position_embeddings", 77);
        var projection = reader.Int("projection_dim", 512);
        var eps = reader.OptionalDouble("layer_norm_eps") ?? 1e-5;
        var bos = reader.Int("bos_token_id", 49406);
        var eos = reader.Int("eos_token_id", 49407);
        var pad = reader.Int("pad_token_id", 1);

        if (vocab <= 0) throw reader.Error("vocab_size", "must be positive");
        if (hidden <= 0) throw reader.Error("hidden_size", "must be positive");
        if (intermediate <= 0) throw reader.Error("intermediate_size", "must be positive");
        if (layers <= 0) throw reader.Error("num_hidden_layers", "must be positive (the penultimate state needs at least one layer)");
        if (heads <= 0 || hidden % heads != 0)
            throw reader.Error("num_attention_heads", $"must divide hidden_size {hidden}, found {heads}");
        if (positions <= 0) throw reader.Error("max_position_embeddings", "must be positive");
        if (architecture == TextModelWithProjection && projection <= 0) throw reader.Error("projection_dim", "must be positive");
        if (!(eps > 0) || !double.IsFinite(eps)) throw reader.Error("layer_norm_eps", "must be a positive number");
        // First-EOS pooling looks for this id in the input; one outside the vocabulary can never be there.
        if (eos != 2 && (eos < 0 || eos >= vocab))
            throw reader.Error("eos_token_id", $"is {eos}, outside the vocabulary of {vocab} (pooling looks for it in the input ids)");

        return new ClipTextConfig
        {
            VocabSize = vocab,
            HiddenSize = hidden,
            IntermediateSize = intermediate,
            NumLayers = layers,
            NumHeads = heads,
            MaxPositions = positions,
            Activation = act,
            LayerNormEps = (float)eps,
            ProjectionDim = projection,
            WithProjection = architecture == TextModelWithProjection,
            BosTokenId = bos,
            EosTokenId = eos,
            PadTokenId = pad,
        };
    }

    /// <summary>"architectures": exactly one of the two text classes (a full CLIPModel config is another file's layout).</summary>
    private static string Architecture(JsonObject root, ConfigReader reader)
    {
        if (root["architectures"] is not JsonArray list || list.Count != 1 || list[0] is not JsonValue value
            || !value.TryGetValue<string>(out var name))
            throw reader.Error("architectures", $"must be a list of one class name ({TextModel} or {TextModelWithProjection}), found {root["architectures"]?.ToJsonString() ?? "(missing)"}");
        if (name is not (TextModel or TextModelWithProjection))
            throw reader.Error("architectures", $"is '{name}'; only {TextModel} and {TextModelWithProjection} are supported");
        return name;
    }
}
