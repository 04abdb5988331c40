namespace Jano.Core.Schedulers;

/// <summary>
/// A scheduler class or config option this runtime cannot run as diffusers would. The message is one
/// line naming the class, the option and what is allowed; <see cref="Option"/> and <see cref="Problem"/>
/// let callers (the exporter, the manifest check) prefix their own file and field path.
/// </summary>
public sealed class SchedulerConfigException(string className, string option, string problem)
    : ArgumentException(OneLine.Of($"{className}: option '{option}' {problem}"))
{
    public string ClassName { get; } = className;

    /// <summary>The config key (as in scheduler_config.json), or "_class_name" for an unknown class.</summary>
    public string Option { get; } = option;

    /// <summary>What is wrong with it and what is allowed, without the class and option.</summary>
    public string Problem { get; } = problem;
}
