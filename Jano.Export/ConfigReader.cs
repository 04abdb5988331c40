using Jano.Core.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jano.Export;

/// <summary>Typed access to a diffusers config.json with errors that name the file and the field.</summary>
internal sealed class ConfigReader(JsonObject root, string path)
{
    /// <summary>A config.json as a JSON object; one line naming the file when it is not one.</summary>
    public static JsonObject LoadObject(string path)
    {
        try
        {
            return JsonInput.ParseNode(File.ReadAllText(path)) as JsonObject
                ?? throw new ExportException($"{path}: the config is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ExportException($"{path}: invalid JSON: {JsonInput.OneLine(e)}", e);
        }
    }

    public ExportException Error(string field, string problem) =>
        new($"{path}: field '{field}' {problem}");

    public int Int(string field, int? fallback) =>
        OptionalInt(field) ?? fallback ?? throw Error(field, "is missing");

    public int? OptionalInt(string field)
    {
        var node = root[field];
        if (node is null) return null;
        try { return node.GetValue<int>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            // JSON numbers like 32.0 are still whole numbers.
            try
            {
                var d = node.GetValue<double>();
                if (d == Math.Floor(d) && Math.Abs(d) < int.MaxValue) return (int)d;
            }
            catch (Exception) { }
            throw Error(field, $"must be an integer, found {node.ToJsonString()}");
        }
    }

    public double? OptionalDouble(string field)
    {
        var node = root[field];
        if (node is null) return null;
        try { return node.GetValue<double>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Error(field, $"must be a number, found {node.ToJsonString()}");
        }
    }

    public bool? OptionalBool(string field)
    {
        var node = root[field];
        if (node is null) return null;
        try { return node.GetValue<bool>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Error(field, $"must be true or false, found {node.ToJsonString()}");
        }
    }

    public string? String(string field, string? fallback)
    {
        var node = root[field];
        if (node is null) return fallback;
        try { return node.GetValue<string>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Error(field, $"must be a string, found {node.ToJsonString()}");
        }
    }

    /// <summary>Whether the config names <paramref name="field"/> with a non-null value.</summary>
    public bool Has(string field) => root[field] is not null;

    /// <summary>A JSON array of integers (diffusers writes tuples as arrays); null when missing.</summary>
    public int[]? OptionalIntArray(string field)
    {
        var node = root[field];
        if (node is null) return null;
        if (node is not JsonArray array) throw Error(field, $"must be an array of integers, found {node.ToJsonString()}");
        var values = new int[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            try { values[i] = array[i]!.GetValue<int>(); }
            catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException)
            {
                throw Error(field, $"must be an array of integers; item {i} is {array[i]?.ToJsonString() ?? "null"}");
            }
        }
        return values;
    }

    /// <summary>A JSON array of strings; null when missing.</summary>
    public string[]? OptionalStringArray(string field)
    {
        var node = root[field];
        if (node is null) return null;
        if (node is not JsonArray array) throw Error(field, $"must be an array of strings, found {node.ToJsonString()}");
        var values = new string[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            try { values[i] = array[i]!.GetValue<string>(); }
            catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException)
            {
                throw Error(field, $"must be an array of strings; item {i} is {array[i]?.ToJsonString() ?? "null"}");
            }
        }
        return values;
    }

    /// <summary>Rejects any value other than the one the exporter implements (missing means the default).</summary>
    public void Require(string field, string expected, string fallback)
    {
        var value = String(field, fallback);
        if (value != expected) throw Error(field, $"is '{value}'; only '{expected}' is supported");
    }

    public void RequireBool(string field, bool expected, bool fallback)
    {
        var value = OptionalBool(field) ?? fallback;
        if (value != expected) throw Error(field, $"is {value.ToString().ToLowerInvariant()}; only {expected.ToString().ToLowerInvariant()} is supported");
    }
}
