using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jano.Core.IO;

namespace Jano.Runtime.Batch;

/// <summary>
/// Reads a batch manifest (JSON Lines: one object per line, blank lines allowed) and checks every line
/// before anything runs, so a mistake on line 90,000 is found in a second, not after a day of work.
/// What needs the model (does the size fit its latent, is the preset there) is checked by the caller
/// against each item's package, also before the first item runs.
/// </summary>
public static partial class BatchManifest
{
    public static readonly IReadOnlyList<string> Fields =
        ["id", "prompt", "negative", "seed", "steps", "guidance", "size", "model", "method", "preset"];

    public const int MaxSteps = 10_000;
    public const int MaxSide = 16_384;

    /// <summary>Ids are file names: ASCII letters, digits, '.', '_' and '-', not starting with '.' (hidden files are ours), at most 128 characters.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex IdPattern();

    public static IReadOnlyList<BatchItem> Read(string path)
    {
        if (Directory.Exists(path)) throw new BatchManifestException($"{path}: is a folder; give a JSON Lines file (one job object per line)");
        if (!File.Exists(path)) throw new BatchManifestException($"{path}: no such file");
        string text;
        try { text = File.ReadAllText(path, new UTF8Encoding(false, throwOnInvalidBytes: true)); }
        catch (DecoderFallbackException) { throw new BatchManifestException($"{path}: is not UTF-8 text"); }
        return Parse(text, path);
    }

    /// <summary>Parses manifest text; <paramref name="source"/> names it in messages.</summary>
    public static IReadOnlyList<BatchItem> Parse(string text, string source)
    {
        var items = new List<BatchItem>();
        var byId = new Dictionary<string, BatchItem>(StringComparer.OrdinalIgnoreCase);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)) continue;
            var item = ParseLine(line, source, i + 1);
            if (byId.TryGetValue(item.Id, out var earlier))
                throw new BatchManifestException(item.IdIsHash
                    ? $"{source}:{item.Line}: repeats line {earlier.Line} (the same job, no id); give each an id to generate both"
                    : $"{source}:{item.Line}: id '{item.Id}' is also the id of line {earlier.Line} (ids name the output files: each must be unique, ignoring case)");
            byId.Add(item.Id, item);
            items.Add(item);
        }
        if (items.Count == 0) throw new BatchManifestException($"{source}: has no jobs (one JSON object per line, each with at least a \"prompt\")");
        return items;
    }

    private static BatchItem ParseLine(string line, string source, int lineNumber)
    {
        string Where(string field) => $"{source}:{lineNumber}: field '{field}'";
        JsonDocument doc;
        try { doc = JsonInput.ParseDocument(line); }
        catch (JsonException e) { throw new BatchManifestException($"{source}:{lineNumber}: is not valid JSON ({JsonInput.OneLine(e)})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new BatchManifestException($"{source}:{lineNumber}: is a JSON {Kind(root)}; each line must be one object such as {{\"prompt\": \"an ankle boot\", \"seed\": 1}}");
            foreach (var p in root.EnumerateObject())
                if (!Fields.Contains(p.Name))
                    throw new BatchManifestException($"{source}:{lineNumber}: unknown field '{p.Name}' (allowed: {string.Join(", ", Fields)})");

            string? String(string field, bool required = false)
            {
                if (!root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
                    return required ? throw new BatchManifestException($"{source}:{lineNumber}: has no '{field}'; every job needs one") : null;
                if (v.ValueKind != JsonValueKind.String) throw new BatchManifestException($"{Where(field)} is a {Kind(v)}; it must be a string");
                return v.GetString();
            }
            long? Integer(string field, long min, long max)
            {
                if (!root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n))
                    throw new BatchManifestException($"{Where(field)} is {Shown(v)}; it must be a whole number from {min} to {max}");
                if (n < min || n > max) throw new BatchManifestException($"{Where(field)} is {n}; it must be from {min} to {max}");
                return n;
            }

            var prompt = String("prompt", required: true)!;
            if (string.IsNullOrWhiteSpace(prompt)) throw new BatchManifestException($"{Where("prompt")} is empty; describe the image (the empty caption is reserved for guidance)");
            var negative = String("negative");
            var seed = Integer("seed", 0, long.MaxValue);
            var steps = (int?)Integer("steps", 1, MaxSteps);
            double? guidance = null;
            if (root.TryGetProperty("guidance", out var g) && g.ValueKind != JsonValueKind.Null)
            {
                if (g.ValueKind != JsonValueKind.Number || !g.TryGetDouble(out var gv) || !double.IsFinite(gv) || gv < 0)
                    throw new BatchManifestException($"{Where("guidance")} is {Shown(g)}; it must be a finite number ≥ 0");
                guidance = gv;
            }
            var (width, height) = Size(String("size"), Where("size"));
            var model = String("model");
            if (model is "") throw new BatchManifestException($"{Where("model")} is empty; give a package folder or leave the field out for the batch's model");
            var method = String("method");
            if (method is "") throw new BatchManifestException($"{Where("method")} is empty; leave it out for the batch's method");
            var preset = String("preset");
            if (preset is "") throw new BatchManifestException($"{Where("preset")} is empty; leave it out for the package's default preset");

            var id = String("id");
            var item = new BatchItem
            {
                Id = id ?? "", Line = lineNumber, Prompt = prompt, Negative = negative, Seed = seed, Steps = steps,
                Guidance = guidance, Width = width, Height = height, Model = model, Method = method, Preset = preset,
            };
            if (id is null) return item with { Id = ContentId(item), IdIsHash = true };
            if (!IdPattern().IsMatch(id))
                throw new BatchManifestException($"{Where("id")} is '{id}'; an id names files: 1–128 of A–Z a–z 0–9 . _ - and not starting with '.'");
            return item;
        }
    }

    /// <summary>"WIDTHxHEIGHT", as the command line's --size.</summary>
    private static (int?, int?) Size(string? text, string where)
    {
        if (text is null) return (null, null);
        var parts = text.Split('x', 'X');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && w is >= 1 and <= MaxSide && h is >= 1 and <= MaxSide)
            return (w, h);
        throw new BatchManifestException($"{where} is '{text}'; it must be WIDTHxHEIGHT in pixels, each 1–{MaxSide} (e.g. \"1024x768\")");
    }

    /// <summary>
    /// The id of a line without one: a hash of what it asks for (not of its position or spelling), so
    /// moving lines or reformatting the file keeps the names, and a rerun finds the finished items.
    /// </summary>
    public static string ContentId(BatchItem item)
    {
        var canonical = string.Join('\u001f',
            item.Prompt, item.Negative ?? "\u0000", Invariant(item.Seed), Invariant(item.Steps),
            item.Guidance?.ToString("R", CultureInfo.InvariantCulture) ?? "", Invariant(item.Width), Invariant(item.Height),
            item.Model ?? "", item.Method ?? "", item.Preset ?? "");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        return "h" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    private static string Invariant(long? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "object", JsonValueKind.Array => "array", JsonValueKind.String => "string",
        JsonValueKind.Number => "number", JsonValueKind.True or JsonValueKind.False => "boolean", _ => "null",
    };

    /// <summary>A value as the user wrote it, short and on one line.</summary>
    private static string Shown(JsonElement e)
    {
        var raw = e.GetRawText();
        return raw.Length <= 40 ? raw : raw[..40] + "…";
    }
}
