using System.Globalization;

namespace Jano.Runtime.Acceleration;

/// <summary>
/// The accelerators by name, as `jano generate --method` and `jano bench --methods` spell them, with
/// their parameters and defaults (docs/ACCELERATORS.md). Parse errors are one line naming what is allowed.
/// </summary>
public static class AccelerationMethods
{
    public const string Dense = "dense", StepsFamily = "steps", Fora = "fora", TeaCache = "teacache", TaylorSeer = "taylorseer",
        Toca = "toca", Jano = "jano", JanoTeaCache = "jano+teacache", JanoTaylor = "jano+taylor";

    /// <summary>Every name, steps-K written as such.</summary>
    public static readonly IReadOnlyList<string> Names = [Dense, "steps-K", Fora, TeaCache, TaylorSeer, Toca, Jano, JanoTeaCache, JanoTaylor];

    /// <summary>Per method, its parameters and their defaults (invariant text).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Defaults = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        [Dense] = new Dictionary<string, string>(),
        [StepsFamily] = new Dictionary<string, string>(),
        [Fora] = new Dictionary<string, string> { ["interval"] = "3" },
        [TeaCache] = new Dictionary<string, string> { ["threshold"] = "0.4" },
        [TaylorSeer] = new Dictionary<string, string> { ["interval"] = "4", ["order"] = "2" },
        [Toca] = new Dictionary<string, string> { ["ratio"] = "0.3", ["interval"] = "3", ["age-weight"] = "0.05" },
        [Jano] = new Dictionary<string, string>(),
        [JanoTeaCache] = new Dictionary<string, string> { ["threshold"] = "0.2" },
        [JanoTaylor] = new Dictionary<string, string> { ["horizon"] = "4" },
    };

    /// <summary>Parameters a method takes that have no default (TeaCache's polynomial comes from the package unless given).</summary>
    private static readonly IReadOnlyDictionary<string, string[]> Optional = new Dictionary<string, string[]>
    {
        [TeaCache] = ["coefficients"],
        [JanoTeaCache] = ["coefficients"],
    };

    /// <summary>
    /// A method from its name and parameters (null or empty: the defaults). Names are case-insensitive;
    /// parameter values are invariant-culture numbers (coefficients: comma-separated, highest degree first).
    /// </summary>
    public static AccelerationMethod Parse(string name, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var allowed = string.Join(", ", Names);
        var n = (name ?? "").Trim().ToLowerInvariant();
        string family = n;
        var resolved = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (n.StartsWith("steps-", StringComparison.Ordinal))
        {
            if (!int.TryParse(n.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 1 || k > 10_000)
                throw new ArgumentException($"method '{name}': steps-K needs a whole number of steps K in [1, 10000] (e.g. steps-25); methods: {allowed}");
            family = StepsFamily;
            n = $"steps-{k}";
            resolved["steps"] = k.ToString(CultureInfo.InvariantCulture);
        }
        if (family == StepsFamily && n == "steps" || !Defaults.TryGetValue(family, out var defaults))
            throw new ArgumentException($"unknown method '{name}'; methods: {allowed}");
        foreach (var (key, value) in defaults) resolved[key] = value;
        var optional = Optional.GetValueOrDefault(family) ?? [];
        foreach (var (key, value) in parameters ?? new Dictionary<string, string>())
        {
            var k = key.Trim().ToLowerInvariant();
            if (!defaults.ContainsKey(k) && !optional.Contains(k))
            {
                var known = defaults.Keys.Concat(optional).ToArray();
                throw new ArgumentException($"method {n} has no parameter '{key}'; its parameters: {(known.Length == 0 ? "none" : string.Join(", ", known))}");
            }
            resolved[k] = Check(n, k, value);
        }
        return new AccelerationMethod(n, family, resolved);
    }

    /// <summary>The value as canonical invariant text, or a one-line error naming the method, the parameter and its range.</summary>
    private static string Check(string method, string key, string value)
    {
        var inv = CultureInfo.InvariantCulture;
        ArgumentException Bad(string range) => new($"method {method}: parameter {key} must be {range}, got '{value}'");
        switch (key)
        {
            case "interval":
                if (!int.TryParse(value, NumberStyles.None, inv, out var i) || i < 1) throw Bad("a whole number ≥ 1");
                return i.ToString(inv);
            case "horizon":
                if (!int.TryParse(value, NumberStyles.None, inv, out var h) || h > 10_000) throw Bad("a whole number from 0 to 10000");
                return h.ToString(inv);
            case "order":
                if (!int.TryParse(value, NumberStyles.None, inv, out var o) || o is < 1 or > 2) throw Bad("1 or 2");
                return o.ToString(inv);
            case "coefficients":
                var parts = value.Split(',');
                var numbers = new double[parts.Length];
                for (var p = 0; p < parts.Length; p++)
                    if (!double.TryParse(parts[p], NumberStyles.Float, inv, out numbers[p]) || !double.IsFinite(numbers[p]) || parts.Length > 9)
                        throw Bad("1 to 9 comma-separated finite numbers, highest degree first");
                return string.Join(",", numbers.Select(x => x.ToString("R", inv)));
            default:
                if (!double.TryParse(value, NumberStyles.Float, inv, out var x) || !double.IsFinite(x)) throw Bad("a finite number");
                if (key == "ratio" && x is <= 0 or > 1) throw Bad("in (0, 1]");
                if (key is "threshold" or "age-weight" && x < 0) throw Bad("≥ 0");
                return x.ToString("R", inv);
        }
    }
}
