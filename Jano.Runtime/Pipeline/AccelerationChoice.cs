using Jano.Core.Acceleration;
using Jano.Core.Packages;
using Jano.Runtime.Acceleration;

namespace Jano.Runtime.Pipeline;

/// <summary>
/// Turns an accelerator asked for by name (a method and a Jano preset, as a service or an
/// <c>IImageGenerator</c> caller spells them) into a request's <see cref="GenerationRequest.Jano"/> and
/// <see cref="GenerationRequest.Method"/>, with the CLI's defaults: nothing named runs the package's
/// default Jano preset (dense, with a note, where it cannot act), "dense" runs every token.
/// </summary>
public static class AccelerationChoice
{
    /// <param name="method">An accelerator name (<see cref="AccelerationMethods.Names"/>); null: Jano when the package has a default preset, else dense.</param>
    /// <param name="preset">A Jano preset of the package; null: its default preset.</param>
    /// <exception cref="ArgumentException">An unknown method or preset, or a preset with a method that has no use for it; the message names the field ("method", "jano").</exception>
    public static GenerationRequest Apply(GenerationRequest request, ModelManifest manifest, string? method, string? preset)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(manifest);
        var parsed = method is null ? null : AccelerationMethods.Parse(method);
        if (parsed is null || parsed.Name == AccelerationMethods.Jano)
            return preset is null ? WithDefaultPreset(request, manifest) : request with { Jano = Preset(manifest, preset), Method = null, FallBackToDense = false };
        if (parsed.Name == AccelerationMethods.Dense)
        {
            if (preset is not null) throw new ArgumentException($"jano preset '{preset}' cannot be combined with method dense");
            return request with { Jano = null, Method = null };
        }
        if (!parsed.UsesJano && preset is not null)
            throw new ArgumentException($"jano preset '{preset}': method {parsed.Name} does not use Jano; drop the preset or choose a jano method");
        // A Jano-family method without a preset takes the package's default (the pipeline's JanoRequest).
        return request with { Method = parsed, Jano = preset is null ? null : Preset(manifest, preset), FallBackToDense = false };
    }

    private static GenerationRequest WithDefaultPreset(GenerationRequest request, ModelManifest manifest) =>
        manifest.DefaultJanoPreset is { } name && manifest.JanoPresets?.GetValueOrDefault(name) is { } options
            ? request with { Jano = options, Method = null, FallBackToDense = true }
            : request with { Jano = null, Method = null };

    private static JanoOptions Preset(ModelManifest manifest, string name)
    {
        var presets = (IReadOnlyDictionary<string, JanoOptions>?)manifest.JanoPresets ?? JanoPresets.For(manifest.Geometry.Height, manifest.Geometry.Width);
        return presets.TryGetValue(name, out var options) ? options
            : throw new ArgumentException($"jano preset '{name}' is not in this package (presets: {string.Join(", ", presets.Keys)})");
    }
}
