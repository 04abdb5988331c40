using Jano.Runtime.Acceleration;

namespace Jano.Cli;

/// <summary>
/// A method as the command line writes it: its name, optionally with parameters, "fora:interval=2" or
/// "jano+taylor:horizon=8;…" (`jano generate --method`, `jano bench --methods`). Errors are one line naming
/// the text, the method and what it takes.
/// </summary>
public static class MethodSpec
{
    /// <param name="option">The option it came from, for the message ("--method").</param>
    public static AccelerationMethod Parse(string text, string option)
    {
        try { return AccelerationMethods.Parse(NameOf(text), ParametersOf(text, option)); }
        catch (ArgumentException e) { throw new UsageException($"{option}: {e.Message}"); }
    }

    /// <summary>Whether the text gives parameters (a sweep then leaves the method at them).</summary>
    public static bool HasParameters(string text) => text.Contains(':');

    private static string NameOf(string text) => text.Split(':', 2)[0].Trim();

    private static Dictionary<string, string>? ParametersOf(string text, string option)
    {
        var colon = text.IndexOf(':');
        if (colon < 0) return null;
        var parameters = new Dictionary<string, string>();
        foreach (var pair in text[(colon + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) throw new UsageException($"{option} '{text}': parameters are written NAME:key=value;key=value, got '{pair}'");
            if (!parameters.TryAdd(pair[..eq].Trim(), pair[(eq + 1)..].Trim()))
                throw new UsageException($"{option} '{text}': parameter '{pair[..eq].Trim()}' is given twice");
        }
        return parameters;
    }
}
