using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jano.Runtime.Conditioning;

/// <summary>
/// The fields of a transformers CLIPTokenizer's tokenizer_config.json that change the ids: the special
/// tokens (plain strings, or AddedToken objects with "content") and model_max_length. pad_token is what
/// differs between SD3's two CLIP tokenizers: "&lt;|endoftext|&gt;" (CLIP-L) and "!" (CLIP-G, id 0).
/// Defaults are CLIPTokenizer's own. Tokens added beyond the special ones (textual inversion) are
/// refused: transformers splits them out of the text before BPE, which this tokenizer does not.
/// </summary>
public sealed record ClipTokenizerConfig
{
    public string BosToken { get; init; } = "<|startoftext|>";
    public string EosToken { get; init; } = "<|endoftext|>";
    public string PadToken { get; init; } = "<|endoftext|>";
    public string UnknownToken { get; init; } = "<|endoftext|>";
    /// <summary>Ids per prompt, BOS and EOS included: the pipelines' max_length (77).</summary>
    public int MaxLength { get; init; } = 77;

    public static ClipTokenizerConfig Load(string path)
    {
        JsonObject root;
        try
        {
            root = Jano.Core.IO.JsonInput.ParseNode(File.ReadAllText(path)) as JsonObject
                ?? throw new InvalidDataException($"{path}: the tokenizer config is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON: {Jano.Core.IO.JsonInput.OneLine(e)}", e);
        }
        return Parse(root, path);
    }

    public static ClipTokenizerConfig Parse(JsonObject root, string path)
    {
        var defaults = new ClipTokenizerConfig();
        var className = root["tokenizer_class"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (root["tokenizer_class"] is not null && className is not ("CLIPTokenizer" or "CLIPTokenizerFast"))
            throw Error(path, "tokenizer_class", $"is {root["tokenizer_class"]!.ToJsonString()}; only CLIPTokenizer and CLIPTokenizerFast are supported");

        var config = new ClipTokenizerConfig
        {
            BosToken = Token(root, path, "bos_token") ?? defaults.BosToken,
            EosToken = Token(root, path, "eos_token") ?? defaults.EosToken,
            PadToken = Token(root, path, "pad_token") ?? defaults.PadToken,
            UnknownToken = Token(root, path, "unk_token") ?? defaults.UnknownToken,
            MaxLength = MaxLengthOf(root, path) ?? defaults.MaxLength,
        };
        if (root["added_tokens_decoder"] is JsonObject added)
        {
            var special = new HashSet<string>([config.BosToken, config.EosToken, config.PadToken, config.UnknownToken], StringComparer.Ordinal);
            foreach (var (id, entry) in added)
            {
                var content = entry?["content"] is JsonValue c && c.TryGetValue<string>(out var text) ? text : null;
                if (content is null || !special.Contains(content))
                    throw Error(path, "added_tokens_decoder", $"adds token {id} ({entry?["content"]?.ToJsonString() ?? "no content"}); only the special tokens are supported");
            }
        }
        return config;
    }

    private static string? Token(JsonObject root, string path, string field)
    {
        var node = root[field];
        if (node is null) return null;
        if (node is JsonValue value && value.TryGetValue<string>(out var text)) return text;
        if (node is JsonObject o && o["content"] is JsonValue content && content.TryGetValue<string>(out var inner)) return inner;
        throw Error(path, field, $"must be a string or an object with \"content\", found {node.ToJsonString()}");
    }

    /// <summary>model_max_length; transformers writes a huge number (1e30) when a tokenizer has none: then the default 77.</summary>
    private static int? MaxLengthOf(JsonObject root, string path)
    {
        var node = root["model_max_length"];
        if (node is null) return null;
        double value;
        try { value = node.GetValue<double>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Error(path, "model_max_length", $"must be a number, found {node.ToJsonString()}");
        }
        if (value > int.MaxValue) return null;
        if (value < 2 || value != Math.Floor(value))
            throw Error(path, "model_max_length", $"must be a whole number of at least 2 (BOS and EOS), found {node.ToJsonString()}");
        return (int)value;
    }

    private static InvalidDataException Error(string path, string field, string problem) => new($"{path}: field '{field}' {problem}");
}
