using System.Text.Json;
using Jano.Core.Packages;
using Jano.Core.Schedulers;

namespace Jano.Runtime.Schedulers;

/// <summary>
/// Schedulers by diffusers class name and config. Never a substitute: a class or option this runtime
/// does not implement is a <see cref="SchedulerConfigException"/> (an <see cref="ArgumentException"/>)
/// naming the class, the option and what is allowed.
/// </summary>
public static class SchedulerFactory
{
    /// <param name="config">The verbatim scheduler_config.json; null for diffusers' defaults of the class.</param>
    public static IScheduler Create(string className, JsonElement? config) => Create(SchedulerConfigs.Parse(className, config));

    public static IScheduler Create(SchedulerConfig config) => config switch
    {
        FlowMatchEulerDiscreteConfig c => new FlowMatchEulerDiscreteScheduler(c),
        DpmSolverMultistepConfig c => new DpmSolverMultistepScheduler(c),
        DdimConfig c => new DdimScheduler(c),
        EulerDiscreteConfig c => new EulerDiscreteScheduler(c),
        _ => throw new ArgumentException($"no scheduler for {config.ClassName}"),
    };

    /// <summary>
    /// A package's scheduler: diffusers' class from the verbatim config when the package carries one;
    /// otherwise the runtime's own sampler from the sampler settings (packages trained here, such as
    /// the default model, whose images must not change).
    /// </summary>
    public static IScheduler Create(SchedulerComponent component)
    {
        if (component.Config is { } config) return Create(component.ClassName, config);
        if (component.Sampler is { } settings) return new SamplerSettingsScheduler(settings);
        throw new ArgumentException($"scheduler {component.ClassName}: the package has neither a scheduler config nor sampler settings");
    }
}
