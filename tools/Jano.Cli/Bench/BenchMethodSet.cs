using System.Globalization;
using Jano.Core.Acceleration;
using Jano.Runtime.Acceleration;

namespace Jano.Cli.Bench;

/// <summary>
/// The methods of one `jano bench`: `--methods LIST` (comma-separated names as `jano generate --method`
/// takes them, or "all") at their defaults, or with `--sweep` each at the settings of <see cref="BenchSweep"/>.
/// Dense always runs first: it is what every other is measured against.
/// </summary>
public static class BenchMethodSet
{
    public const string All = "all";

    /// <summary>What "all" means: every method, steps-K at half the steps.</summary>
    public static IReadOnlyList<string> AllNames(int steps) =>
        [AccelerationMethods.Dense, $"steps-{Math.Max(1, steps / 2)}", AccelerationMethods.Fora, AccelerationMethods.TeaCache,
         AccelerationMethods.TaylorSeer, AccelerationMethods.Toca, AccelerationMethods.Jano, AccelerationMethods.JanoTeaCache, AccelerationMethods.JanoTaylor];

    /// <param name="list">"all", or names such as "dense,fora,steps-25,jano+taylor".</param>
    /// <param name="steps">The dense step count (steps-K's sweep is a fraction of it).</param>
    /// <param name="jano">The Jano options of the Jano family without a sweep (the preset the flags chose).</param>
    /// <param name="hasTeaCacheCalibration">False: "all" leaves out the TeaCache methods (with a note), a name asking for them fails.</param>
    /// <param name="notes">What was decided for the caller, one line each.</param>
    public static List<BenchMethod> Resolve(string list, bool sweep, int steps, JanoOptions jano, IReadOnlyDictionary<string, JanoOptions> presets,
        bool hasTeaCacheCalibration, List<string> notes)
    {
        if (string.IsNullOrWhiteSpace(list)) throw new UsageException($"--methods is empty; give {All} or names from: {string.Join(", ", AccelerationMethods.Names)}");
        var all = list.Trim().Equals(All, StringComparison.OrdinalIgnoreCase);
        var names = all ? AllNames(steps) : list.Split(',').Select(n => n.Trim()).ToList();
        var methods = new List<BenchMethod> { BenchMethod.Dense };
        var seen = new HashSet<string>(StringComparer.Ordinal) { BenchMethod.DenseLabel };
        foreach (var name in names)
        {
            if (name.Length == 0) throw new UsageException($"--methods '{list}' has an empty name between commas");
            var parsed = MethodSpec.Parse(name, "--methods");
            if (parsed.Family == AccelerationMethods.Dense) continue; // always there, once
            if (parsed.Family is AccelerationMethods.TeaCache or AccelerationMethods.JanoTeaCache && !hasTeaCacheCalibration)
            {
                if (!all) throw new UsageException($"--methods {parsed.Name}: the package has no acceleration.teaCache calibration; run `jano calibrate` on it first");
                notes.Add($"{parsed.Name} left out: the package has no acceleration.teaCache calibration (run `jano calibrate`)");
                continue;
            }
            var explicitParameters = MethodSpec.HasParameters(name);
            var settings = sweep && !explicitParameters ? BenchSweep.For(parsed, steps, jano, presets) : [Default(parsed, jano, explicitParameters)];
            foreach (var m in settings)
                if (seen.Add(m.Label)) methods.Add(m);
        }
        if (methods.Count == 1) throw new UsageException($"--methods '{list}' names only dense; add a method to compare with it");
        return methods;
    }

    /// <summary>A method at its defaults, or at the parameters given (the label then names them), with the chosen Jano options for the Jano family.</summary>
    private static BenchMethod Default(AccelerationMethod m, JanoOptions jano, bool named = false) =>
        new(named ? $"{m.Name} {ParameterText(m)}" : m.Name, m.Family, m.Family == AccelerationMethods.StepsFamily ? m.Steps!.Value.ToString(CultureInfo.InvariantCulture) + " steps" : ParameterText(m),
            m, m.UsesJano ? jano : null);

    /// <summary>"interval=3 order=2": the method's parameters as the label shows them.</summary>
    public static string ParameterText(AccelerationMethod m) => string.Join(" ", m.Parameters.Where(p => p.Key != "coefficients").Select(p => $"{p.Key}={p.Value}"));
}
