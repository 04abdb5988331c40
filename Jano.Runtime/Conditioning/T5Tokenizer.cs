using Microsoft.ML.Tokenizers;

namespace Jano.Runtime.Conditioning;

/// <summary>Token ids framed for a T5 encoder and their attention mask (1 = real token, 0 = padding), both [L].</summary>
public sealed record T5Tokens(long[] Ids, long[] Mask, int RealTokens);

/// <summary>
/// T5's tokenizer: the SentencePiece unigram model of the checkpoint (spiece.model) through
/// Microsoft.ML.Tokenizers' SentencePieceTokenizer, which applies the model's own normaliser (the
/// precompiled NFKC chars map of T5's nmt_nfkc rule, extra-whitespace removal, the "▁" dummy
/// prefix) and unigram segmentation. Framed as transformers' T5Tokenizer with add_special_tokens,
/// truncation and padding="max_length": no BOS, &lt;/s&gt; appended, at most max_length − 1 pieces kept
/// so the &lt;/s&gt; survives truncation, padding with &lt;pad&gt; (id 0) and a mask of 0 there.
/// Thread-safe.
/// </summary>
public sealed class T5Tokenizer
{
    /// <summary>T5's ids of &lt;pad&gt; and &lt;/s&gt; (every T5, mT5 and umT5 vocabulary).</summary>
    public const int PadId = 0;
    public const int EosId = 1;

    private readonly SentencePieceTokenizer _sp;
    private readonly string _path;

    private T5Tokenizer(SentencePieceTokenizer sp, string path) => (_sp, _path) = (sp, path);

    /// <summary>Reads spiece.model; the file must use T5's ids for &lt;pad&gt; and &lt;/s&gt;.</summary>
    public static T5Tokenizer Load(string spiecePath)
    {
        SentencePieceTokenizer sp;
        try
        {
            // T5 models have no BOS piece, which the library cannot load as is (see SentencePieceModelPatch).
            using var stream = new MemoryStream(SentencePieceModelPatch.WithBosStandIn(File.ReadAllBytes(spiecePath)), writable: false);
            // BOS and EOS are framed here, not by the library, so truncation can keep </s>.
            sp = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new InvalidDataException($"{spiecePath}: not a SentencePiece model ({e.Message})", e);
        }
        if (sp.EndOfSentenceId != EosId || sp.EndOfSentenceToken != "</s>")
            throw new InvalidDataException($"{spiecePath}: end-of-sentence is '{sp.EndOfSentenceToken}' (id {sp.EndOfSentenceId}); a T5 tokenizer has '</s>' at id {EosId}");
        if (!sp.Vocabulary.TryGetValue("<pad>", out var pad) || pad != PadId)
            throw new InvalidDataException($"{spiecePath}: '<pad>' is not id {PadId}; a T5 tokenizer pads with id {PadId}");
        var tokenizer = new T5Tokenizer(sp, spiecePath);
        // A damaged model can load and still fail on first use (its normalizer table is only walked
        // when text is encoded); a probe finds most such files here rather than at the first prompt.
        tokenizer.Pieces("A probe, 123: é ü ñ — 日本");
        return tokenizer;
    }

    /// <summary>The model's piece count (32000 for T5's spiece.model; the checkpoint's vocab_size adds 128 unused rows).</summary>
    public int VocabularySize => _sp.Vocabulary.Count;

    /// <summary>SentencePiece ids of <paramref name="text"/>, without &lt;/s&gt;.</summary>
    public int[] Pieces(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        IReadOnlyList<int> ids;
        try { ids = _sp.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false); }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or InvalidOperationException or OverflowException)
        {
            // Microsoft.ML.Tokenizers trusts the model's tables (found by fuzzing: a corrupt normalizer
            // trie indexes outside its array); a user's damaged file is named, not a crash.
            throw new InvalidDataException($"{_path}: the SentencePiece model is damaged: encoding text failed inside its tables ({e.GetType().Name}); replace the file with the checkpoint's original spiece.model", e);
        }
        // sentencepiece merges a run of unknown characters into one <unk> ("日本語" is one id 2);
        // Microsoft.ML.Tokenizers 2.0.1 gives one <unk> per character.
        var unk = _sp.UnknownId;
        var merged = new List<int>(ids.Count);
        foreach (var id in ids)
            if (!(id == unk && merged.Count > 0 && merged[^1] == unk)) merged.Add(id);
        return [.. merged];
    }

    /// <summary>
    /// <paramref name="text"/> as T5 encoder input: pieces + &lt;/s&gt;, at most <paramref name="maxTokens"/>,
    /// padded to <paramref name="maxTokens"/> when <paramref name="pad"/> (else exactly the real tokens).
    /// </summary>
    /// <param name="truncate">When the text needs more: true keeps the first maxTokens − 1 pieces and &lt;/s&gt;; false throws.</param>
    /// <exception cref="Text.PromptTooLongException">Too many tokens and <paramref name="truncate"/> is false.</exception>
    public T5Tokens Encode(string text, int maxTokens, bool truncate = true, bool pad = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        var pieces = Pieces(text);
        if (pieces.Length + 1 > maxTokens && !truncate)
            throw new Text.PromptTooLongException(pieces.Length + 1, maxTokens, "</s>", nameof(text));
        var kept = Math.Min(pieces.Length, maxTokens - 1);
        var length = pad ? maxTokens : kept + 1;
        var ids = new long[length];
        var mask = new long[length];
        for (var i = 0; i < kept; i++) ids[i] = pieces[i];
        ids[kept] = EosId;
        for (var i = 0; i <= kept; i++) mask[i] = 1;
        // The rest stays PadId (0) with mask 0.
        return new T5Tokens(ids, mask, kept + 1);
    }
}
