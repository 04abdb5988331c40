using System.Globalization;
using Jano.Core.Acceleration;
using Jano.Runtime.Acceleration;

namespace Jano.Cli.Tune;

/// <summary>
/// What `jano tune` searches: Jano's schedule (warm-up, cool-down, the two thresholds and the two refresh
/// intervals) on a grid around the package's presets, and the hybrid's own knob (jano+taylor's forecast
/// horizon, jano+teacache's threshold). The search starts from a deterministic sample of the grid that
/// always holds the package's presets, so the result is never worse on the calibration set than a preset
/// that meets the target.
/// </summary>
public static class TuneSpace
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static readonly int[] Warmups = [4, 5, 6, 7];
    public static readonly int[] Cooldowns = [1, 2];
    public static readonly double[] StaticThresholds = [0.15, 0.2, 0.25, 0.3];
    public static readonly double[] MediumThresholds = [0.5, 0.65, 0.8, 1.0];
    public static readonly int[] StaticIntervals = [8, 12, 16];
    public static readonly int[] MediumIntervals = [4, 6, 8];
    public static readonly int[] Horizons = [2, 4, 8];
    public static readonly double[] JanoTeaCacheThresholds = [0.05, 0.1, 0.2];

    /// <summary>The method's own values in the grid: (parameter, values), or none for plain Jano.</summary>
    private static (string Key, string[] Values)? Own(string method) => method switch
    {
        AccelerationMethods.JanoTaylor => ("horizon", Horizons.Select(h => h.ToString(Inv)).ToArray()),
        AccelerationMethods.JanoTeaCache => ("threshold", JanoTeaCacheThresholds.Select(t => t.ToString(Inv)).ToArray()),
        _ => null,
    };

    /// <summary>Settings in the full grid for a method (what grid search would evaluate).</summary>
    public static int GridSize(string method) =>
        Warmups.Length * Cooldowns.Length * StaticThresholds.Length * MediumThresholds.Length * StaticIntervals.Length * MediumIntervals.Length
        * (Own(method)?.Values.Length ?? 1);

    /// <summary>
    /// <paramref name="count"/> distinct candidates: the package's presets first (each with the method's
    /// default knob), then grid points drawn with a fixed seed, leaving out any that cannot run at
    /// <paramref name="steps"/> (warm-up + cool-down must leave a step).
    /// </summary>
    public static List<TuneCandidate> Sample(string method, IReadOnlyDictionary<string, JanoOptions> presets, JanoOptions basis, int steps,
        int height, int width, int count, int seed = 17)
    {
        var parsed = AccelerationMethods.Parse(method);
        if (!parsed.UsesJano) throw new UsageException($"--method {method}: tune searches Jano's schedule; give one of {string.Join(", ", Jano.Core.Packages.TunedPreset.Methods)}");
        var own = Own(parsed.Name);
        var seen = new HashSet<string>();
        var candidates = new List<TuneCandidate>();
        void Add(JanoOptions o, string? ownValue)
        {
            var c = new TuneCandidate(own is { } k && ownValue is not null ? AccelerationMethods.Parse(parsed.Name, new Dictionary<string, string> { [k.Key] = ownValue }) : parsed, o);
            if (!Runs(o, steps, height, width) || !seen.Add(c.Label)) return;
            candidates.Add(c);
        }
        foreach (var preset in presets.Values) Add(preset, null);
        var random = new Random(seed);
        var total = GridSize(parsed.Name);
        for (var attempt = 0; candidates.Count < count && attempt < 50 * count; attempt++)
        {
            var o = basis with
            {
                Warmup = Pick(random, Warmups),
                Cooldown = Pick(random, Cooldowns),
                StaticThreshold = Pick(random, StaticThresholds),
                MediumThreshold = Pick(random, MediumThresholds),
                StaticInterval = Pick(random, StaticIntervals),
                MediumInterval = Pick(random, MediumIntervals),
            };
            Add(o, own is { } k ? Pick(random, k.Values) : null);
            if (seen.Count >= total) break;
        }
        return candidates;
    }

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];

    private static bool Runs(JanoOptions o, int steps, int height, int width)
    {
        try { o.Validate(steps, height, width); return true; }
        catch (ArgumentException) { return false; }
    }
}
