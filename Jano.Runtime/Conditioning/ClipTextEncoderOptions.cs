using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Conditioning;

/// <summary>Which per-token states <see cref="ClipTextEncoder"/> returns.</summary>
public enum ClipTokenStates
{
    /// <summary>hidden_states[-2]: the last block's input, no final norm. What SD3 conditions on.</summary>
    Penultimate,
    /// <summary>last_hidden_state: after the final layer norm (transformers' default output).</summary>
    Last,
}

/// <summary>The files of one CLIP text encoder: the exported graph and the tokenizer's three files.</summary>
public sealed record ClipTextEncoderFiles(string Graph, string Vocabulary, string Merges, string? TokenizerConfig)
{
    /// <summary>A graph file plus a transformers tokenizer folder (vocab.json, merges.txt, tokenizer_config.json if present).</summary>
    public static ClipTextEncoderFiles From(string graph, string tokenizerFolder)
    {
        var config = Path.Combine(tokenizerFolder, "tokenizer_config.json");
        return new(graph, Path.Combine(tokenizerFolder, "vocab.json"), Path.Combine(tokenizerFolder, "merges.txt"),
            File.Exists(config) ? config : null);
    }
}

public sealed record ClipTextEncoderOptions
{
    public ClipTokenStates States { get; init; } = ClipTokenStates.Penultimate;

    /// <summary>Cut a prompt of more than 77 tokens (keeping EOS, as the diffusers pipelines do); false throws instead.</summary>
    public bool Truncate { get; init; } = true;

    /// <summary>Creates the session from the graph path (the pipeline's provider and threads); null: a CPU session.</summary>
    public Func<string, InferenceSession>? CreateSession { get; init; }

    /// <summary>Threads of the default CPU session; null lets ONNX Runtime choose.</summary>
    public int? IntraOpThreads { get; init; }
}
