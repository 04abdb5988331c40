using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Jano.Runtime.Conditioning;

/// <summary>
/// CLIP's pre-tokenisation, the pattern
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// (openai's simple_tokenizer and transformers' CLIPTokenizer, Python's `regex` module), written as a
/// scanner over Unicode scalar values rather than a .NET Regex: .NET's classes test UTF-16 code units,
/// so a letter outside the Basic Multilingual Plane (𝐀, a surrogate pair) would not be \p{L} there and
/// the split would differ from Python's. Like findall, it tries the alternatives in order at each
/// position (the first that matches wins, not the longest) and skips a position where none matches
/// (whitespace). Runs on text that is already lower-cased.
/// </summary>
public sealed class ClipPreTokenizer(IReadOnlyList<string> specialTokens) : PreTokenizer
{
    private static readonly string[] Contractions = ["s", "t", "re", "ve", "m", "ll", "d"];

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text.AsSpan());

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text);

    public List<(int Offset, int Length)> Split(ReadOnlySpan<char> s)
    {
        var pieces = new List<(int, int)>();
        var i = 0;
        while (i < s.Length)
        {
            var length = Match(s, i);
            if (length > 0)
            {
                pieces.Add((i, length));
                i += length;
            }
            else
            {
                i += Scalar(s, i).Length;
            }
        }
        return pieces;
    }

    /// <summary>Length of the match at <paramref name="i"/>, 0 when no alternative matches (whitespace).</summary>
    private int Match(ReadOnlySpan<char> s, int i)
    {
        var rest = s[i..];
        foreach (var special in specialTokens)
            if (rest.StartsWith(special, StringComparison.Ordinal)) return special.Length;
        if (rest.Length > 1 && rest[0] == '\'')
            foreach (var c in Contractions)
                if (rest[1..].StartsWith(c, StringComparison.Ordinal)) return 1 + c.Length;

        var (kind, first) = Scalar(s, i);
        return kind switch
        {
            Kind.Letter => Run(s, i, Kind.Letter),
            Kind.Number => first,   // [\p{N}]: one digit at a time
            Kind.Other => Run(s, i, Kind.Other),
            _ => 0,
        };
    }

    private static int Run(ReadOnlySpan<char> s, int start, Kind kind)
    {
        var j = start;
        while (j < s.Length)
        {
            var (k, length) = Scalar(s, j);
            if (k != kind) break;
            j += length;
        }
        return j - start;
    }

    private enum Kind { Space, Letter, Number, Other }

    /// <summary>The class and UTF-16 length of the scalar at <paramref name="i"/> (a lone surrogate counts as one "other" unit).</summary>
    private static (Kind Kind, int Length) Scalar(ReadOnlySpan<char> s, int i)
    {
        if (Rune.DecodeFromUtf16(s[i..], out var rune, out var length) != OperationStatus.Done)
            return (Kind.Other, 1);
        if (Rune.IsWhiteSpace(rune)) return (Kind.Space, length);
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => (Kind.Letter, length),
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => (Kind.Number, length),
            _ => (Kind.Other, length),
        };
    }
}
