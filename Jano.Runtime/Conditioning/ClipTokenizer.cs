using System.Text;
using System.Text.Json;
using Jano.Runtime.Text;
using Microsoft.ML.Tokenizers;

namespace Jano.Runtime.Conditioning;

/// <summary>
/// CLIP's byte-level BPE tokenizer over Hugging Face's files (tokenizer/vocab.json, merges.txt,
/// tokenizer_config.json), giving the ids openai's simple_tokenizer and transformers' CLIPTokenizer give:
/// whitespace runs become one space and the ends are trimmed, the text is lower-cased, split by CLIP's
/// pattern (<see cref="ClipPreTokenizer"/>), each piece's UTF-8 bytes mapped to GPT-2's byte alphabet,
/// "&lt;/w&gt;" appended to its last symbol, and merged by rank. The BPE itself is
/// Microsoft.ML.Tokenizers' BpeTokenizer (ByteLevel, EndOfWordSuffix "&lt;/w&gt;"), which reproduces
/// openai's merge loop; its regex pre-tokenizers would not split like Python's on letters outside the
/// BMP, hence our own. Framing is ours: BOS, at most max_length − 2 ids, EOS, then pad ids to max_length
/// (truncation keeps EOS, as transformers' truncation=True and openai's clip.tokenize(truncate=True)).
///
/// Not reproduced: ftfy.fix_text (mojibake repair, NFC) and openai's html.unescape (HTML entities such
/// as "&amp;amp;" stay as typed); Python's full case mapping where it differs from .NET's simple one
/// (İ, final σ). Thread-safe.
/// </summary>
public sealed class ClipTokenizer
{
    /// <summary>transformers' CLIPTokenizer reads at most this many merges (openai's 49152 − 256 − 2).</summary>
    public const int MaxMerges = 49152 - 256 - 2;

    private readonly BpeTokenizer _bpe;

    private ClipTokenizer(BpeTokenizer bpe, ClipTokenizerConfig config, int bos, int eos, int pad)
    {
        _bpe = bpe;
        Config = config;
        BosId = bos;
        EosId = eos;
        PadId = pad;
    }

    public ClipTokenizerConfig Config { get; }
    public int BosId { get; }
    public int EosId { get; }
    public int PadId { get; }
    public int MaxLength => Config.MaxLength;

    /// <param name="tokenizerConfigPath">tokenizer_config.json; null takes CLIPTokenizer's defaults (pad with EOS, 77).</param>
    public static ClipTokenizer FromFiles(string vocabPath, string mergesPath, string? tokenizerConfigPath = null)
    {
        var config = tokenizerConfigPath is null ? new ClipTokenizerConfig() : ClipTokenizerConfig.Load(tokenizerConfigPath);
        return Create(ReadVocabulary(vocabPath), ReadMerges(mergesPath), config, vocabPath);
    }

    public static ClipTokenizer Create(IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<string> merges, ClipTokenizerConfig config, string source = "vocabulary")
    {
        int Id(string token, string field) => vocabulary.TryGetValue(token, out var id) ? id
            : throw new InvalidDataException($"{source}: the {field} '{token}' is not in the vocabulary");
        var bos = Id(config.BosToken, "bos_token");
        var eos = Id(config.EosToken, "eos_token");
        var pad = Id(config.PadToken, "pad_token");
        Id(config.UnknownToken, "unk_token");

        var specials = new Dictionary<string, int>(StringComparer.Ordinal) { [config.BosToken] = bos, [config.EosToken] = eos };
        var bpe = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = true,
            EndOfWordSuffix = "</w>",
            PreTokenizer = new ClipPreTokenizer([config.BosToken, config.EosToken]),
            SpecialTokens = specials,
            UnknownToken = config.UnknownToken,
        });
        return new ClipTokenizer(bpe, config, bos, eos, pad);
    }

    /// <summary>The BPE ids of <paramref name="text"/>, no BOS/EOS (openai's SimpleTokenizer.encode).</summary>
    public IReadOnlyList<int> EncodeWords(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _bpe.EncodeToIds(Normalize(text), considerPreTokenization: true, considerNormalization: false);
    }

    /// <summary>BOS, the ids, EOS, padded to <see cref="MaxLength"/> with the pad id.</summary>
    /// <exception cref="PromptTooLongException">More than <see cref="MaxLength"/> ids and <paramref name="truncate"/> is false.</exception>
    public ClipTokens Encode(string text, bool truncate = true)
    {
        var words = EncodeWords(text);
        var needed = words.Count + 2;
        if (needed > MaxLength && !truncate) throw new PromptTooLongException(needed, MaxLength, "<|startoftext|> and <|endoftext|>", nameof(text));
        var kept = Math.Min(words.Count, MaxLength - 2);
        var ids = new long[MaxLength];
        ids[0] = BosId;
        for (var i = 0; i < kept; i++) ids[i + 1] = words[i];
        ids[kept + 1] = EosId;
        for (var i = kept + 2; i < MaxLength; i++) ids[i] = PadId;
        return new ClipTokens(ids, kept + 2, kept < words.Count);
    }

    /// <summary>
    /// basic_clean's strip, whitespace_clean, then lower(): runs of white space (Unicode White_Space, as
    /// Python's `regex` \s) become one space; the ends are trimmed of what Python's str.strip() removes,
    /// which also counts U+001C–U+001F (kept, as symbols, inside the text); letters are lower-cased. A
    /// lone surrogate becomes U+FFFD.
    /// </summary>
    public static string Normalize(string text)
    {
        var runes = EnumerateRunes(text).ToList();
        int start = 0, end = runes.Count;
        while (start < end && IsPythonSpace(runes[start])) start++;
        while (end > start && IsPythonSpace(runes[end - 1])) end--;
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        for (var i = start; i < end; i++)
        {
            if (Rune.IsWhiteSpace(runes[i]))
            {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace) builder.Append(' ');
            pendingSpace = false;
            builder.Append(Rune.ToLowerInvariant(runes[i]).ToString());
        }
        return builder.ToString();
    }

    private static bool IsPythonSpace(Rune r) => Rune.IsWhiteSpace(r) || r.Value is >= 0x1C and <= 0x1F;

    private static IEnumerable<Rune> EnumerateRunes(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed); // invalid → U+FFFD, 1 unit
            yield return rune;
            i += consumed;
        }
    }

    private static Dictionary<string, int> ReadVocabulary(string path)
    {
        try
        {
            using var document = Jano.Core.IO.JsonInput.ParseDocument(File.ReadAllBytes(path)); // duplicates and undecodable tokens refused
            return document.Deserialize<Dictionary<string, int>>()
                ?? throw new InvalidDataException($"{path}: the vocabulary is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a JSON object of token → id: {Jano.Core.IO.JsonInput.OneLine(e)}", e);
        }
    }

    /// <summary>merges.txt: an optional "#version" header, then "left right" a line, in rank order.</summary>
    private static List<string> ReadMerges(string path)
    {
        var merges = new List<string>();
        var number = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            number++;
            if (number == 1 && line.StartsWith("#version", StringComparison.Ordinal)) continue;
            if (line.Length == 0) continue;
            if (line.Split(' ').Length != 2)
                throw new InvalidDataException($"{path}: line {number} is not a merge ('left right'): '{line}'");
            if (merges.Count == MaxMerges) break;
            merges.Add(line);
        }
        return merges;
    }
}
