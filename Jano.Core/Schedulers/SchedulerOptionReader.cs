using System.Globalization;
using System.Text.Json;

namespace Jano.Core.Schedulers;

/// <summary>
/// Reads one scheduler_config.json the way diffusers' <c>from_config</c> fills a scheduler's
/// constructor: a missing key or a JSON null takes the constructor's default, keys starting with '_'
/// are metadata. Values of the wrong JSON type are errors (diffusers would fail later, or silently
/// treat them by Python truthiness). Every key asked for is remembered, so the keys the class does not
/// know can be listed afterwards (<see cref="UnreadKeys"/>): diffusers v0.32.2 ignores those.
/// </summary>
public sealed class SchedulerOptionReader
{
    private readonly JsonElement? _root;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public SchedulerOptionReader(string className, JsonElement? config)
    {
        ClassName = className;
        if (config is { } c && c.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            if (c.ValueKind != JsonValueKind.Object) throw new SchedulerConfigException(className, "(config)", $"must be a JSON object, found {c.ValueKind}");
            _root = c;
        }
    }

    public string ClassName { get; }

    public SchedulerConfigException Error(string key, string problem) => new(ClassName, key, problem);

    public int Int(string key, int fallback)
    {
        if (Value(key) is not { } v) return fallback;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue) return (int)d;
        throw Error(key, $"must be an integer, found {v.GetRawText()}");
    }

    public double Double(string key, double fallback) => OptionalDouble(key) ?? fallback;

    /// <summary>A number, or one of the strings "NaN", "Infinity", "-Infinity" (<see cref="DiffusersJson"/>); null when absent.</summary>
    public double? OptionalDouble(string key)
    {
        if (Value(key) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        if (v.ValueKind == JsonValueKind.String && v.GetString() is "NaN" or "Infinity" or "-Infinity")
            return double.Parse(v.GetString()!, CultureInfo.InvariantCulture);
        throw Error(key, $"must be a number, found {v.GetRawText()}");
    }

    public bool Bool(string key, bool fallback)
    {
        if (Value(key) is not { } v) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(key, $"must be true or false, found {v.GetRawText()}"),
        };
    }

    public string? String(string key, string? fallback)
    {
        if (Value(key) is not { } v) return fallback;
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        throw Error(key, $"must be a string, found {v.GetRawText()}");
    }

    /// <summary>A string option that must be one of <paramref name="allowed"/> (what this runtime implements).</summary>
    public string Choice(string key, string fallback, params string[] allowed)
    {
        var value = String(key, fallback)!;
        if (Array.IndexOf(allowed, value) < 0) throw Error(key, $"is '{value}'; this runtime implements: {string.Join(", ", allowed)}");
        return value;
    }

    /// <summary>An option this runtime implements only at its default: any other value is refused by name.</summary>
    public void RequireDefault(string key, bool fallback)
    {
        var value = Bool(key, fallback);
        if (value != fallback)
            throw Error(key, $"is {Lower(value)}, which this runtime does not implement (allowed: {Lower(fallback)})");
    }

    /// <inheritdoc cref="RequireDefault(string, bool)"/>
    public void RequireDefault(string key, string fallback)
    {
        var value = String(key, fallback);
        if (value != fallback)
            throw Error(key, $"is '{value}', which this runtime does not implement (allowed: '{fallback}')");
    }

    /// <summary>A list of numbers (trained_betas); null when absent.</summary>
    public double[]? DoubleArray(string key)
    {
        if (Value(key) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Error(key, $"must be a list of numbers, found {v.ValueKind}");
        var result = new double[v.GetArrayLength()];
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number) throw Error(key, $"must be a list of numbers, item {i} is {item.GetRawText()}");
            result[i++] = item.GetDouble();
        }
        return result;
    }

    /// <summary>Keys of the config that no read asked for, metadata ('_'-prefixed) aside, in file order.</summary>
    public IReadOnlyList<string> UnreadKeys()
    {
        if (_root is not { } root) return [];
        return root.EnumerateObject().Select(p => p.Name).Where(k => !k.StartsWith('_') && !_read.Contains(k)).ToList();
    }

    private JsonElement? Value(string key)
    {
        _read.Add(key);
        if (_root is { } root && root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null) return v;
        return null;
    }

    private static string Lower(bool value) => value ? "true" : "false";
}
