using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Jano.Cli.CommandLine;

/// <summary>
/// Options of the `jano` commands with their allowed ranges: every value is parsed here (invariant culture)
/// so a bad one is refused with one line naming the flag, the value and what is allowed, before any work
/// starts, instead of System.CommandLine's type-conversion text. Ranges are written into the description so
/// `--help` shows them beside the default.
/// </summary>
public static class CliOptions
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Option<int> Int(string name, string description, int defaultValue, int min, int max, string group) =>
        new Option<int>(name)
        {
            Description = $"{description} [{Range(min, max)}]",
            HelpName = "N",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseInt(r, min, max) ?? defaultValue,
        }.InGroup(group).WithDefaultText(defaultValue.ToString(Inv));

    /// <summary>An integer whose absence means "the package's value" (no default shown).</summary>
    public static Option<int?> OptionalInt(string name, string description, int min, int max, string group) =>
        new Option<int?>(name)
        {
            Description = $"{description} [{Range(min, max)}]",
            HelpName = "N",
            CustomParser = r => ParseInt(r, min, max),
        }.InGroup(group);

    public static Option<long> Long(string name, string description, long defaultValue, long min, long max, string group) =>
        new Option<long>(name)
        {
            Description = $"{description} [{Range(min, max)}]",
            HelpName = "N",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                var text = Single(r);
                if (long.TryParse(text, NumberStyles.Integer, Inv, out var v) && v >= min && v <= max) return v;
                r.AddError($"{Name(r)} must be a whole number from {min.ToString(Inv)} to {max.ToString(Inv)}, got '{text}'");
                return defaultValue;
            },
        }.InGroup(group).WithDefaultText(defaultValue.ToString(Inv));

    /// <summary>A finite number in [min, max] (max may be +∞); absent: the package's or the method's value.</summary>
    public static Option<double?> OptionalDouble(string name, string description, double min, double max, string group, bool minExclusive = false) =>
        new Option<double?>(name)
        {
            Description = $"{description} [{RangeOf(min, max, minExclusive)}]",
            HelpName = "X",
            CustomParser = r =>
            {
                var text = Single(r);
                if (double.TryParse(text, NumberStyles.Float, Inv, out var v) && double.IsFinite(v)
                    && (minExclusive ? v > min : v >= min) && v <= max) return v;
                r.AddError($"{Name(r)} must be a finite number {(double.IsPositiveInfinity(max) || minExclusive ? "" : "from ")}{RangeOf(min, max, minExclusive).Replace("–", " to ")}, got '{text}'");
                return null;
            },
        }.InGroup(group);

    /// <summary>A text value that must not be empty or blank (an empty path or name is a mistake, not a default).</summary>
    public static Option<string?> Text(string name, string description, string helpName, string group, string? defaultValue = null)
    {
        var option = new Option<string?>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = r =>
            {
                var text = Single(r);
                if (!string.IsNullOrWhiteSpace(text)) return text;
                r.AddError($"{Name(r)} is empty; give {helpName}");
                return null;
            },
        }.InGroup(group);
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        if (defaultValue is not null) option.WithDefaultText(defaultValue);
        return option;
    }

    /// <summary>Free text that may be empty (a negative prompt).</summary>
    public static Option<string> FreeText(string name, string description, string helpName, string group) =>
        new Option<string>(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => "", CustomParser = Single }.InGroup(group);

    /// <summary>One of a fixed set of words, completed by the shell.</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, IReadOnlyList<string> choices, string group)
    {
        var option = new Option<string>(name)
        {
            Description = $"{description} ({string.Join(", ", choices)})",
            HelpName = string.Join("|", choices),
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                var text = Single(r);
                if (choices.Contains(text)) return text;
                r.AddError($"{Name(r)} must be {Either(choices)}, got '{text}'");
                return defaultValue;
            },
        }.InGroup(group);
        option.CompletionSources.Add(choices.ToArray());
        if (defaultValue.Length > 0) option.WithDefaultText(defaultValue);
        return option;
    }

    /// <summary>A flag without a value: the next word is never taken as its value (it stays a prompt or a flag).</summary>
    public static Option<bool> Switch(string name, string description, string group) =>
        new Option<bool>(name) { Description = description, Arity = ArgumentArity.Zero }.InGroup(group);

    /// <summary>"AxB" as written (e.g. 96x64), both positive.</summary>
    public static Option<(int, int)?> Size(string name, string description, string form, string group) =>
        new Option<(int, int)?>(name)
        {
            Description = description,
            HelpName = form,
            CustomParser = r =>
            {
                var text = Single(r);
                var parts = text.ToLowerInvariant().Split('x', '×');
                if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, Inv, out var a) && int.TryParse(parts[1], NumberStyles.None, Inv, out var b)
                    && a is > 0 and <= 16384 && b is > 0 and <= 16384)
                    return (a, b);
                r.AddError($"{Name(r)} must be {form} with whole numbers from 1 to 16384, got '{text}'");
                return null;
            },
        }.InGroup(group);

    private static int? ParseInt(ArgumentResult r, int min, int max)
    {
        var text = Single(r);
        if (int.TryParse(text, NumberStyles.Integer, Inv, out var v) && v >= min && v <= max) return v;
        r.AddError($"{Name(r)} must be a whole number from {min.ToString(Inv)} to {max.ToString(Inv)}, got '{text}'");
        return null;
    }

    /// <summary>
    /// The option's value; a value that is itself one of the command's options (`--model --seed 3`) is refused,
    /// so a forgotten value never swallows the next flag. (Arity ExactlyOne: System.CommandLine has already
    /// refused a value missing at the end of the line before a parser runs.)
    /// </summary>
    private static string Single(ArgumentResult r)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        if (text.StartsWith('-') && r.Parent is OptionResult { Parent: CommandResult command } && IsOptionOf(command.Command, text))
            r.AddError($"{Name(r)} needs a value, but '{text}' is an option; give {Name(r)} its value right after it");
        return text;
    }

    private static bool IsOptionOf(Command command, string token)
    {
        var name = token.Split('=', 2)[0];
        return command.Options.Concat(command.Parents.OfType<Command>().SelectMany(c => c.Options).Where(o => o.Recursive))
            .Any(o => o.Name == name || o.Aliases.Contains(name));
    }

    private static string Name(ArgumentResult r) => r.Parent is OptionResult o ? o.Option.Name : r.Argument.Name;

    private static string Range(long min, long max) => $"{min.ToString(Inv)}–{max.ToString(Inv)}";

    private static string RangeOf(double min, double max, bool minExclusive) =>
        double.IsPositiveInfinity(max) ? (minExclusive ? "> " : "≥ ") + min.ToString(Inv)
        : minExclusive ? $"> {min.ToString(Inv)} and ≤ {max.ToString(Inv)}"
        : $"{min.ToString(Inv)}–{max.ToString(Inv)}";

    private static string Either(IReadOnlyList<string> choices) =>
        choices.Count == 1 ? choices[0] : string.Join(", ", choices.Take(choices.Count - 1)) + " or " + choices[^1];
}
