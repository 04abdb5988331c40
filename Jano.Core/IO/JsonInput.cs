using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jano.Core.IO;

/// <summary>
/// How every reader of JSON a user hands us (configs, manifests, safetensors headers, tokenizer
/// files) parses it, so that each refuses the same things with one line: a key given twice (Python's
/// json keeps the last one silently; two values for one field is a mistake we name), text that cannot
/// be decoded (invalid UTF-8, a lone surrogate escape such as "\ud800"), which System.Text.Json only
/// notices when the string is read, deep inside a reader, and syntax errors. Every problem is a
/// <see cref="JsonException"/>, which the readers already turn into their own one-line refusal.
/// </summary>
public static class JsonInput
{
    public static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };

    /// <summary>Longest message kept from System.Text.Json (its messages quote the offending token, which may be long).</summary>
    private const int MaxMessage = 240;

    public static JsonDocument ParseDocument(ReadOnlyMemory<byte> utf8) => Checked(Parse(() => JsonDocument.Parse(utf8, DocumentOptions)));

    /// <summary>For a reader that refuses repeated keys itself with a more specific message (a safetensors header names the tensor).</summary>
    public static JsonDocument ParseDocumentKeepingRepeatedKeys(ReadOnlyMemory<byte> utf8) => Checked(Parse(() => JsonDocument.Parse(utf8)));

    public static JsonDocument ParseDocument(string text) => Checked(Parse(() => JsonDocument.Parse(text, DocumentOptions)));

    /// <summary>The duplicate-key check decodes every key while parsing, and throws InvalidOperationException on an undecodable one.</summary>
    private static JsonDocument Parse(Func<JsonDocument> parse)
    {
        try { return parse(); }
        catch (InvalidOperationException)
        {
            throw new JsonException("a key is not valid Unicode (invalid UTF-8 or a lone surrogate escape)");
        }
    }

    /// <summary>A JSON tree for readers that edit or walk nodes; checked first as a document.</summary>
    public static JsonNode? ParseNode(string text)
    {
        using (ParseDocument(text)) { }
        return JsonNode.Parse(text, documentOptions: DocumentOptions);
    }

    /// <summary>A JSON exception's message on one line: control characters escaped, length capped.</summary>
    public static string OneLine(JsonException e) => Jano.Core.OneLine.Of(e.Message, MaxMessage);

    private static JsonDocument Checked(JsonDocument document)
    {
        try
        {
            CheckText(document.RootElement, "$");
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>Decodes every property name and string once, so no reader meets an undecodable one later.</summary>
    private static void CheckText(JsonElement element, string where)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var name = Decode(() => property.Name, $"a key in {where}");
                    CheckText(property.Value, $"{where}.{name}");
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray()) CheckText(item, $"{where}[{index++}]");
                break;
            case JsonValueKind.String:
                Decode(element.GetString, where);
                break;
        }
    }

    private static string Decode(Func<string?> read, string where)
    {
        try { return read() ?? ""; }
        catch (InvalidOperationException)
        {
            throw new JsonException($"the text at {where} is not valid Unicode (invalid UTF-8 or a lone surrogate escape)");
        }
    }
}
