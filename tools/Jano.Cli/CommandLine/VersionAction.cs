using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Jano.Cli.CommandLine;

/// <summary>
/// `jano --version`: the tool's informational version (version + commit). System.CommandLine's own action
/// prints the entry assembly's, which is the host's when the CLI runs inside another process (tests, jano-device).
/// </summary>
public sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Version =>
        typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionAction).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static void Install(RootCommand root)
    {
        foreach (var option in root.Options.OfType<VersionOption>()) option.Action = new VersionAction();
    }

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return 0;
    }
}
