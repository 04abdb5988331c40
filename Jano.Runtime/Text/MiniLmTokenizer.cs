using Microsoft.ML.Tokenizers;

namespace Jano.Runtime.Text;

/// <summary>
/// BERT uncased WordPiece tokenizer of all-MiniLM-L6-v2: lower-cases, strips accents, splits
/// punctuation and CJK characters, and frames the ids as [CLS] ... [SEP].
/// </summary>
public sealed class MiniLmTokenizer
{
    private readonly BertTokenizer _bert;

    /// <param name="vocabulary">vocab.txt: one token a line, the line number minus 1 is its id.</param>
    public MiniLmTokenizer(Stream vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        // These match the model's Hugging Face tokenizer (do_lower_case, strip_accents following it,
        // tokenize_chinese_chars), so ids agree with what the model was trained on. Accent removal
        // needs Unicode normalization, which InvariantGlobalization disables; see AccentFolding.
        _bert = BertTokenizer.Create(vocabulary, new BertOptions
        {
            LowerCaseBeforeTokenization = true,
            RemoveNonSpacingMarks = true,
            IndividuallyTokenizeCjk = true,
            ApplyBasicTokenization = true,
        });
    }

    /// <summary>The tokenizer over the vocabulary in the MiniLM package assembly (see <see cref="MiniLmFiles"/>).</summary>
    public static MiniLmTokenizer CreateDefault(string? packageAssemblyPath = null)
    {
        var path = MiniLmFiles.LocatePackageAssembly(packageAssemblyPath);
        using var vocabulary = new MemoryStream(MiniLmFiles.ReadVocabulary(path), writable: false);
        return new MiniLmTokenizer(vocabulary);
    }

    /// <summary>Id of [CLS] (101 in the BERT uncased vocabulary).</summary>
    public int ClassificationTokenId => _bert.ClassificationTokenId;

    /// <summary>Id of [SEP] (102 in the BERT uncased vocabulary).</summary>
    public int SeparatorTokenId => _bert.SeparatorTokenId;

    /// <summary>
    /// Token ids of <paramref name="text"/> framed as [CLS] ... [SEP]; the empty text gives [CLS][SEP].
    /// </summary>
    /// <param name="maxTokens">Most ids to return, [CLS] and [SEP] included (at least 2).</param>
    /// <param name="truncate">
    /// When the text needs more than <paramref name="maxTokens"/>: true keeps the first
    /// <paramref name="maxTokens"/> − 1 ids and ends with [SEP]; false throws.
    /// </param>
    /// <exception cref="PromptTooLongException">Too many tokens and <paramref name="truncate"/> is false.</exception>
    public int[] Encode(string text, int maxTokens, bool truncate)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);

        // Special tokens are added here rather than by BertTokenizer so that truncation keeps [SEP].
        var words = _bert.EncodeToIds(AccentFolding.Fold(text), addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);
        int needed = words.Count + 2;
        if (needed > maxTokens && !truncate)
            throw new PromptTooLongException(needed, maxTokens, nameof(text));

        int wordCount = Math.Min(words.Count, maxTokens - 2);
        var ids = new int[wordCount + 2];
        ids[0] = ClassificationTokenId;
        for (int i = 0; i < wordCount; i++)
            ids[i + 1] = words[i];
        ids[^1] = SeparatorTokenId;
        return ids;
    }
}
