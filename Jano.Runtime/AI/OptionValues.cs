using System.Globalization;
using System.Text.Json;

namespace Jano.Runtime.AI;

/// <summary>
/// Reads an extension value as a number or a string, whatever shape the caller's serializer left it in
/// (a CLR number, invariant text, or a <see cref="JsonElement"/>), or says in one line which field is wrong.
/// </summary>
internal static class OptionValues
{
    public static long? Int64(IReadOnlyDictionary<string, object?>? values, string field, long min, long max)
    {
        if (!TryGet(values, field, out var value)) return null;
        long? n = value switch
        {
            int i => i,
            long l => l,
            short s => s,
            uint u => u,
            double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
            string t when long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) => p,
            JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var j) => j,
            JsonElement { ValueKind: JsonValueKind.String } e when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) => p,
            _ => null,
        };
        if (n is not { } v || v < min || v > max)
            throw new ArgumentException($"{field} must be a whole number in [{min}, {max}], got {Describe(value)}");
        return v;
    }

    public static double? Double(IReadOnlyDictionary<string, object?>? values, string field, double min, double max)
    {
        if (!TryGet(values, field, out var value)) return null;
        double? n = value switch
        {
            int i => i,
            long l => l,
            float f => f,
            double d => d,
            decimal m => (double)m,
            string t when double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => p,
            JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
            _ => null,
        };
        if (n is not { } v || !double.IsFinite(v) || v < min || v > max)
            throw new ArgumentException($"{field} must be a finite number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}], got {Describe(value)}");
        return v;
    }

    public static string? String(IReadOnlyDictionary<string, object?>? values, string field)
    {
        if (!TryGet(values, field, out var value)) return null;
        return value switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => throw new ArgumentException($"{field} must be a string, got {Describe(value)}"),
        };
    }

    private static bool TryGet(IReadOnlyDictionary<string, object?>? values, string field, out object? value)
    {
        value = null;
        if (values is null || !values.TryGetValue(field, out value)) return false;
        return value is not null && value is not JsonElement { ValueKind: JsonValueKind.Null };
    }

    private static string Describe(object? value) => value switch
    {
        JsonElement e => e.GetRawText(),
        string s => $"'{s}'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.GetType().Name ?? "null",
    };
}
