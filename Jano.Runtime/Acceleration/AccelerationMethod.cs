using System.Globalization;
using Jano.Runtime.Scheduling;

namespace Jano.Runtime.Acceleration;

/// <summary>What a method's policy is built from for one generation.</summary>
/// <param name="Steps">The steps this generation runs (K for steps-K).</param>
/// <param name="Tokens">Image tokens N.</param>
/// <param name="OutputWidth">Values per guided output row (patch² · output channels).</param>
/// <param name="ModelInputValues">Values of the model input (C · H · W latents).</param>
/// <param name="Planner">Jano's planner, for the Jano family; null otherwise.</param>
/// <param name="TeaCacheCoefficients">The package's acceleration.teaCache.coefficients, or null.</param>
public sealed record PolicyContext(int Steps, int Tokens, int OutputWidth, int ModelInputValues, JanoPlanner? Planner, IReadOnlyList<double>? TeaCacheCoefficients);

/// <summary>
/// A named accelerator with its parameters resolved (defaults filled in, canonical text for reports and
/// sidecars), from <see cref="AccelerationMethods.Parse"/>. It makes one policy per generation.
/// </summary>
public sealed record AccelerationMethod
{
    internal AccelerationMethod(string name, string family, SortedDictionary<string, string> parameters)
    {
        Name = name;
        Family = family;
        Parameters = parameters;
    }

    /// <summary>As the user named it: "steps-25", "fora", "jano+taylor", ...</summary>
    public string Name { get; }

    /// <summary>The method without its step count: "steps" for steps-K, else the name.</summary>
    public string Family { get; }

    /// <summary>Every parameter the policy uses, defaults included, as invariant text (sorted by name).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>steps-K's K: the steps the generation runs instead of the request's; null for the others.</summary>
    public int? Steps => Family == AccelerationMethods.StepsFamily ? Int("steps") : null;

    /// <summary>Whether the method runs Jano's schedule (jano, jano+teacache, jano+taylor): it needs Jano options.</summary>
    public bool UsesJano => Family.StartsWith(AccelerationMethods.Jano, StringComparison.Ordinal);

    /// <summary>One line: the name and its parameters ("fora interval=3").</summary>
    public override string ToString() => Parameters.Count == 0 || Family == AccelerationMethods.StepsFamily ? Name
        : Name + " " + string.Join(" ", Parameters.Select(p => $"{p.Key}={p.Value}"));

    private int Int(string key) => int.Parse(Parameters[key], CultureInfo.InvariantCulture);
    private double Double(string key) => double.Parse(Parameters[key], CultureInfo.InvariantCulture);

    /// <summary>TeaCache's polynomial: the parameter if given, else the package's calibration.</summary>
    private IReadOnlyList<double> Coefficients(PolicyContext c)
    {
        if (Parameters.TryGetValue("coefficients", out var text))
            return text.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return c.TeaCacheCoefficients ?? throw new ArgumentException(
            $"method {Name}: the package has no acceleration.teaCache.coefficients (fit them with TeaCacheCalibration / `jano calibrate`) and no coefficients parameter was given");
    }

    public IAccelerationPolicy CreatePolicy(PolicyContext c)
    {
        JanoPlanner Planner() => c.Planner ?? throw new ArgumentException($"method {Name} needs Jano options (a preset) to plan its steps");
        return Family switch
        {
            AccelerationMethods.Dense or AccelerationMethods.StepsFamily => new DensePolicy(c.Tokens),
            AccelerationMethods.Fora => new ForaPolicy(c.Tokens, Int("interval")),
            AccelerationMethods.TeaCache => new TeaCachePolicy(c.Tokens, c.Steps, new TeaCacheGate(c.ModelInputValues, Double("threshold"), Coefficients(c))),
            AccelerationMethods.TaylorSeer => new TaylorSeerPolicy(c.Tokens, c.OutputWidth, Int("interval"), Int("order")),
            AccelerationMethods.Toca => new TocaPolicy(c.Tokens, c.OutputWidth, Double("ratio"), Int("interval"), Double("age-weight")),
            AccelerationMethods.Jano => new JanoPolicy(Planner()),
            AccelerationMethods.JanoTeaCache => new JanoTeaCachePolicy(Planner(), new TeaCacheGate(c.ModelInputValues, Double("threshold"), Coefficients(c))),
            AccelerationMethods.JanoTaylor => new JanoTaylorPolicy(Planner(), c.OutputWidth, Int("horizon")),
            _ => throw new InvalidOperationException($"no policy for method {Name}"),
        };
    }
}
