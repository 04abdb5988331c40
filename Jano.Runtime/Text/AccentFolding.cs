namespace Jano.Runtime.Text;

/// <summary>
/// Removes accents from Latin letters (é → e, Ñ → N) the way BERT uncased does (Unicode
/// decomposition, then dropping the combining marks). BertTokenizer does this with
/// string.Normalize, which does nothing under InvariantGlobalization (set for the whole
/// solution), so accented words would become [UNK]. This table covers Latin-1 Supplement and
/// Latin Extended-A; letters without a canonical decomposition (æ, ø, ß, ł, œ, ...) stay as
/// they are, as in BERT. Combining marks that are already separate are dropped by BertTokenizer.
/// </summary>
internal static class AccentFolding
{
    private const char First = '\u00C0';

    // Entry i is the base letter of U+00C0 + i, or that character itself when it has none.
    // Generated from Python's unicodedata.normalize("NFD", c)[0] where the rest are all Mn marks.
    private const string BaseLetters =
        "AAAAAA\u00C6CEEEEIIII\u00D0NOOOOO\u00D7\u00D8UUUUY\u00DE\u00DF" + // U+00C0..U+00DF
        "aaaaaa\u00E6ceeeeiiii\u00F0nooooo\u00F7\u00F8uuuuy\u00FEy" + // U+00E0..U+00FF
        "AaAaAaCcCcCcCcDd\u0110\u0111EeEeEeEeEeGgGg" + // U+0100..U+011F
        "GgGgHh\u0126\u0127IiIiIiIiI\u0131\u0132\u0133JjKk\u0138LlLlLl\u013F" + // U+0120..U+013F
        "\u0140\u0141\u0142NnNnNn\u0149\u014A\u014BOoOoOo\u0152\u0153RrRrRrSsSsSs" + // U+0140..U+015F
        "SsTtTt\u0166\u0167UuUuUuUuUuUuWwYyYZzZzZz\u017F"; // U+0160..U+017F

    public static string Fold(string text)
    {
        if (!HasFoldable(text))
            return text;
        return string.Create(text.Length, text, static (destination, source) =>
        {
            for (int i = 0; i < source.Length; i++)
                destination[i] = FoldChar(source[i]);
        });
    }

    private static bool HasFoldable(string text)
    {
        foreach (char c in text)
        {
            if (FoldChar(c) != c)
                return true;
        }
        return false;
    }

    private static char FoldChar(char c)
    {
        int index = c - First;
        return (uint)index < (uint)BaseLetters.Length ? BaseLetters[index] : c;
    }
}
