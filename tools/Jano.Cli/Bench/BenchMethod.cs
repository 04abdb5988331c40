using Jano.Core.Acceleration;
using Jano.Runtime.Acceleration;

namespace Jano.Cli.Bench;

/// <summary>
/// One method at one setting, as the benchmark runs it: <see cref="Label"/> names it in tables and JSON
/// ("fora interval=2", "jano fast"), <see cref="Family"/> groups settings into one curve of the plot.
/// Dense is the method with neither an accelerator nor Jano options: the request every other is compared to.
/// </summary>
public sealed record BenchMethod(string Label, string Family, string Setting, AccelerationMethod? Method, JanoOptions? Jano)
{
    public const string DenseLabel = "dense";

    public static readonly BenchMethod Dense = new(DenseLabel, DenseLabel, "", null, null);

    public bool IsDense => Method is null && Jano is null;

    /// <summary>Whether Jano's planner runs (a forced mask then applies).</summary>
    public bool UsesJano => Jano is not null;
}
