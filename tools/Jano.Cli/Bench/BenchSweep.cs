using System.Globalization;
using Jano.Core.Acceleration;
using Jano.Runtime.Acceleration;

namespace Jano.Cli.Bench;

/// <summary>
/// `jano bench --sweep`: each method at 3–4 settings from gentle to aggressive, so the plot shows a curve
/// per method. The knob is the one its paper tunes: steps-K the step count (60, 50, 40, 30% of the steps),
/// FORA and TaylorSeer the interval of full steps, TeaCache the threshold of its accumulated change, ToCa
/// the fraction of tokens a partial step recomputes, Jano its schedule (the package's presets, then longer
/// medium intervals and higher thresholds). jano+taylor runs Jano's settings exactly, so each of its points
/// has a plain-Jano twin at the same compute; jano+teacache adds TeaCache thresholds to the chosen preset.
/// </summary>
public static class BenchSweep
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static readonly double[] StepFractions = [0.6, 0.5, 0.4, 0.3];
    public static readonly int[] ForaIntervals = [2, 3, 4, 5];
    public static readonly double[] TeaCacheThresholds = [0.05, 0.1, 0.2, 0.4];
    public static readonly int[] TaylorSeerIntervals = [2, 3, 4, 6];
    public static readonly double[] TocaRatios = [0.5, 0.3, 0.2, 0.1];
    public static readonly double[] JanoTeaCacheThresholds = [0.05, 0.1, 0.2];

    public static List<BenchMethod> For(AccelerationMethod m, int steps, JanoOptions jano, IReadOnlyDictionary<string, JanoOptions> presets)
    {
        BenchMethod With(string key, string value, string? label = null)
        {
            var p = AccelerationMethods.Parse(m.Name, new Dictionary<string, string> { [key] = value });
            return new BenchMethod(label ?? $"{m.Name} {key}={value}", m.Family, $"{key}={value}", p, null);
        }
        return m.Family switch
        {
            AccelerationMethods.StepsFamily => [.. StepFractions.Select(f => Math.Max(1, (int)Math.Round(f * steps))).Distinct().Select(k =>
                new BenchMethod($"steps-{k}", m.Family, $"{k} steps", AccelerationMethods.Parse($"steps-{k}"), null))],
            AccelerationMethods.Fora => [.. ForaIntervals.Select(i => With("interval", i.ToString(Inv)))],
            AccelerationMethods.TeaCache => [.. TeaCacheThresholds.Select(t => With("threshold", t.ToString(Inv)))],
            AccelerationMethods.TaylorSeer => [.. TaylorSeerIntervals.Select(i => With("interval", i.ToString(Inv)))],
            AccelerationMethods.Toca => [.. TocaRatios.Select(r => With("ratio", r.ToString(Inv)))],
            AccelerationMethods.Jano or AccelerationMethods.JanoTaylor => [.. JanoSchedules(jano, presets).Select(s =>
                new BenchMethod($"{m.Name} {s.Name}", m.Family, s.Name, m, s.Options))],
            AccelerationMethods.JanoTeaCache => [.. JanoTeaCacheThresholds.Select(t => With("threshold", t.ToString(Inv)) with { Jano = jano })],
            _ => [new BenchMethod(m.Name, m.Family, BenchMethodSet.ParameterText(m), m, m.UsesJano ? jano : null)],
        };
    }

    /// <summary>
    /// Jano's sweep: the preset the flags chose (the package default, "fast" on the default model) and
    /// three schedules past it, each trading more reuse for quality: the medium level refreshed every 6th
    /// step; a shorter warm-up (5) and cool-down (1) with the medium level every 8th step; and that with
    /// the static and medium thresholds raised to 0.3 and 0.75 as well.
    /// </summary>
    public static IReadOnlyList<(string Name, JanoOptions Options)> JanoSchedules(JanoOptions jano, IReadOnlyDictionary<string, JanoOptions> presets)
    {
        var chosen = presets.FirstOrDefault(p => p.Value == jano).Key ?? "chosen";
        var medium6 = jano with { MediumInterval = Math.Max(jano.MediumInterval, 6) };
        var short8 = jano with { Warmup = Math.Min(jano.Warmup, 5), Cooldown = Math.Min(jano.Cooldown, 1), MediumInterval = Math.Max(jano.MediumInterval, 8) };
        var raised = short8 with { StaticThreshold = Math.Max(jano.StaticThreshold, 0.3), MediumThreshold = Math.Max(jano.MediumThreshold, 0.75) };
        return [(chosen, jano), ("mi6", medium6), ("w5-mi8", short8), ("w5-mi8-t0.3", raised)];
    }
}
