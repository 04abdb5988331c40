namespace Jano.Core.Schedulers;

/// <summary>
/// A diffusers scheduler config, parsed and checked: every option this runtime implements, typed;
/// every option it does not implement was refused at its default's side (<see cref="SchedulerConfigException"/>).
/// </summary>
public abstract record SchedulerConfig
{
    /// <summary>diffusers' class name, e.g. "DPMSolverMultistepScheduler".</summary>
    public abstract string ClassName { get; }

    /// <summary>
    /// Config keys the class does not have in diffusers v0.32.2 (for instance another scheduler's
    /// options, which diffusers carries along when a config is converted). diffusers ignores them with
    /// a warning, and so does this runtime; the exporter prints them.
    /// </summary>
    public IReadOnlyList<string> IgnoredOptions { get; init; } = [];
}
