using System.Text;

namespace Jano.Core;

/// <summary>
/// Our refusals are one line (the CLI prints one; a log keeps one record), but they quote what the user
/// gave — a field's value, a token, a file name — and that may hold line breaks or other control
/// characters. Every validation exception of ours passes its message through <see cref="Of"/>.
/// </summary>
public static class OneLine
{
    /// <summary>The text with control characters escaped (\n, \r, \t, \uXXXX) and its length capped.</summary>
    public static string Of(string text, int maxLength = 1000)
    {
        var clean = true;
        foreach (var c in text) clean &= !char.IsControl(c);
        if (clean && text.Length <= maxLength) return text;
        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 8);
        foreach (var c in text)
        {
            if (builder.Length >= maxLength) { builder.Append('…'); break; }
            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }
}
