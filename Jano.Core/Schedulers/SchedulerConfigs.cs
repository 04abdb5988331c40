using System.Text.Json;

namespace Jano.Core.Schedulers;

/// <summary>
/// The diffusers scheduler classes this runtime runs, by class name. The one place that decides
/// whether a (class, scheduler_config.json) pair can run: the exporter refuses a package with it,
/// the manifest check refuses to open one, the runtime builds its scheduler from the result.
/// </summary>
public static class SchedulerConfigs
{
    public static IReadOnlyList<string> Supported { get; } =
        [FlowMatchEulerDiscreteConfig.Name, DpmSolverMultistepConfig.Name, DdimConfig.Name, EulerDiscreteConfig.Name];

    /// <param name="config">The verbatim config; null runs the class with diffusers' defaults.</param>
    /// <exception cref="SchedulerConfigException">An unknown class, or an option this runtime does not implement.</exception>
    public static SchedulerConfig Parse(string className, JsonElement? config) => className switch
    {
        FlowMatchEulerDiscreteConfig.Name => FlowMatchEulerDiscreteConfig.Parse(config),
        DpmSolverMultistepConfig.Name => DpmSolverMultistepConfig.Parse(config),
        DdimConfig.Name => DdimConfig.Parse(config),
        EulerDiscreteConfig.Name => EulerDiscreteConfig.Parse(config),
        _ => throw new SchedulerConfigException(className, "_class_name",
            $"is '{className}', a scheduler this runtime does not implement; it runs: {string.Join(", ", Supported)}"),
    };
}
