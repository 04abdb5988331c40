using Jano.Cli;

namespace Jano.Device;

/// <summary>jano-device's one option rule beyond the CLI parser's: counts and sizes are positive integers.</summary>
internal static class PositiveOption
{
    /// <summary>jano-device's subcommands take no switches: every option has a value.</summary>
    public static readonly IReadOnlySet<string> NoSwitches = new HashSet<string>();

    public static int PositiveInt(this DeviceArguments args, string name, int fallback) =>
        args.Int(name) switch
        {
            null => fallback,
            > 0 and var v => v,
            var v => throw new UsageException($"option --{name} must be a positive integer, not {v}"),
        };
}
