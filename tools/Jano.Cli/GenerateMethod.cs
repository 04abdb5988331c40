using Jano.Core.Packages;
using Jano.Runtime.Acceleration;

namespace Jano.Cli;

/// <summary>
/// Which accelerator `jano generate` runs: --method as given (Jano options only for the Jano family), else
/// the method a tuned preset was tuned with when --jano-preset (or the package default) names one, else
/// none (Jano or dense as the Jano flags say, as before methods existed).
/// </summary>
public static class GenerateMethod
{
    public static AccelerationMethod? Resolve(string? text, JanoFlags.Values flags, ModelManifest manifest)
    {
        if (text is not null)
        {
            var method = MethodSpec.Parse(text, "--method");
            if (flags.Dense) throw new UsageException($"--dense cannot be combined with --method {method.Name} (--method dense is dense)");
            if (!method.UsesJano && (flags.Jano || flags.Preset is not null || flags.AnyParameter))
                throw new UsageException($"--method {method.Name} does not run Jano's schedule: drop the Jano options (--jano, --jano-preset, --warmup, ...)");
            return method;
        }
        if (flags.Dense) return null;
        var preset = flags.Preset ?? manifest.DefaultJanoPreset;
        if (preset is null || manifest.Acceleration?.Presets?.GetValueOrDefault(preset) is not { } tuned) return null;
        try { return AccelerationMethods.Parse(tuned.Method, tuned.Parameters); }
        catch (ArgumentException e) { throw new ModelPackageException($"{manifest.Name}: acceleration.presets.{preset}: {e.Message}"); }
    }
}
