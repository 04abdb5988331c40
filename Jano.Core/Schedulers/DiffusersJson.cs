using System.Text;
using System.Text.Json;

namespace Jano.Core.Schedulers;

/// <summary>
/// Parses a config.json that Python's json module wrote. It writes the non-standard literals NaN,
/// Infinity and -Infinity for float values (diffusers' DPMSolverMultistep config has
/// <c>"lambda_min_clipped": -Infinity</c>), which System.Text.Json refuses; they become the strings
/// "NaN", "Infinity", "-Infinity", which <see cref="SchedulerOptionReader"/> reads back as numbers.
/// </summary>
public static class DiffusersJson
{
    /// <exception cref="JsonException">The text is not JSON even with those literals allowed.</exception>
    public static JsonElement Parse(string text)
    {
        using var document = Jano.Core.IO.JsonInput.ParseDocument(QuoteNonFiniteLiterals(text));
        return document.RootElement.Clone();
    }

    /// <summary>The text with every NaN / Infinity / -Infinity outside a string put in quotes.</summary>
    public static string QuoteNonFiniteLiterals(string text)
    {
        StringBuilder? result = null;
        var copied = 0;
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\') i++; // skip the escaped character
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') { inString = true; continue; }
            foreach (var literal in (ReadOnlySpan<string>)["-Infinity", "Infinity", "NaN"])
            {
                if (!text.AsSpan(i).StartsWith(literal, StringComparison.Ordinal)) continue;
                result ??= new StringBuilder(text.Length + 16);
                result.Append(text, copied, i - copied).Append('"').Append(literal).Append('"');
                i += literal.Length - 1;
                copied = i + 1;
                break;
            }
        }
        return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();
    }
}
