using System.Reflection;
using System.Text;
using Jano.Runtime.Conditioning;

namespace Jano.Fuzz.Targets;

/// <summary>
/// The tokenizers: prompts (any bytes, decoded as UTF-8 the way a prompts file is read) must always
/// tokenize; tokenizer files (SentencePiece model, CLIP tokenizer config) may be refused.
/// </summary>
public static class TokenizerTargets
{
    /// <summary>The tiny vocabularies that `jano init-random` ships (embedded in Jano.Export), loaded once per process.</summary>
    private static readonly Lazy<ClipTokenizer> Clip = new(() =>
    {
        using var scratch = new Scratch();
        string Resource(string file) => scratch.Write(file, ReadResource($"Jano.Export.tiny-clip.{file}"));
        return ClipTokenizer.FromFiles(Resource("vocab.json"), Resource("merges.txt"), Resource("tokenizer_config.json"));
    });

    private static readonly Lazy<T5Tokenizer> T5 = new(() =>
    {
        using var scratch = new Scratch();
        return T5Tokenizer.Load(scratch.Write("spiece.model", ReadResource("Jano.Export.tiny-t5-spiece.model")));
    });

    public static readonly FuzzTarget ClipPrompt = new("clip-prompt", "ClipTokenizer.Encode of a prompt (truncating and not)", (input, _) =>
    {
        var text = Encoding.UTF8.GetString(input);
        Clip.Value.Encode(text);
        try { Clip.Value.Encode(text, truncate: false); }
        catch (Runtime.Text.PromptTooLongException e) when (!string.IsNullOrWhiteSpace(e.Message)) { } // the refusal of a long prompt
    });

    public static readonly FuzzTarget T5Prompt = new("t5-prompt", "T5Tokenizer.Encode of a prompt (256 tokens, truncating)", (input, _) =>
        T5.Value.Encode(Encoding.UTF8.GetString(input), maxTokens: 256));

    public static readonly FuzzTarget T5Model = new("t5-model", "T5Tokenizer.Load of a spiece.model, then one prompt", (input, scratch) =>
        T5Tokenizer.Load(scratch.Write("spiece.model", input)).Encode("a red bicycle", maxTokens: 16));

    public static readonly FuzzTarget ClipConfig = new("clip-tokenizer-config", "ClipTokenizerConfig.Load of tokenizer_config.json", (input, scratch) =>
        ClipTokenizerConfig.Load(scratch.Write("tokenizer_config.json", input)));

    private static byte[] ReadResource(string name)
    {
        using var stream = typeof(Jano.Export.ExportException).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from Jano.Export");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
