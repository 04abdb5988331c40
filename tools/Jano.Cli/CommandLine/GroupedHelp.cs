using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Jano.Cli.CommandLine;

/// <summary>
/// Help for every command with the options listed in sections (input, generation, Jano, runtime, output, ...)
/// by <see cref="OptionGroups"/>, each with its description, allowed range and default. Written here because
/// System.CommandLine 3.0.0 keeps its HelpBuilder (and with it layout customisation) internal; parsing,
/// completion and error reporting stay the library's.
/// </summary>
public sealed class GroupedHelp : SynchronousCommandLineAction
{
    private const int MaxFirstColumn = 34;

    /// <summary>Help without parse errors: `jano generate --help` needs no PROMPT.</summary>
    public override bool ClearsParseErrors => true;

    public static void Install(RootCommand root)
    {
        foreach (var help in root.Options.OfType<HelpOption>()) help.Action = new GroupedHelp();
    }

    public override int Invoke(ParseResult parseResult)
    {
        Write(parseResult.CommandResult.Command, parseResult.InvocationConfiguration.Output);
        return 0;
    }

    public static void Write(Command command, TextWriter output)
    {
        var name = CliApp.DisplayName(command);
        if (!string.IsNullOrEmpty(command.Description))
        {
            output.WriteLine("Description:");
            output.WriteLine($"  {command.Description}");
            output.WriteLine();
        }
        var arguments = command.Arguments.Where(a => !a.Hidden).ToList();
        var subcommands = command.Subcommands.Where(c => !c.Hidden).ToList();
        output.WriteLine("Usage:");
        var usage = name + string.Concat(arguments.Select(a => $" <{a.Name}>")) + (subcommands.Count > 0 ? " [command]" : "") + " [options]";
        output.WriteLine($"  {usage}");
        if (arguments.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Arguments:");
            Columns(output, arguments.Select(a => ($"<{a.Name}>", a.Description ?? "")));
        }
        foreach (var group in OptionGroups.Order)
        {
            var options = OptionsOf(command).Where(o => OptionGroups.Of(o) == group).ToList();
            if (options.Count == 0) continue;
            output.WriteLine();
            output.WriteLine(group == OptionGroups.Other ? "Options:" : $"{group} options:");
            Columns(output, options.Select(o => (Label(o), Describe(o))));
        }
        if (subcommands.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Commands:");
            Columns(output, subcommands.Select(c => (c.Name + string.Concat(c.Arguments.Where(a => !a.Hidden).Select(a => $" <{a.Name}>")), c.Description ?? "")));
        }
    }

    /// <summary>The options a command accepts: its own and its ancestors' recursive ones (--help), never hidden ones.</summary>
    public static IEnumerable<Option> OptionsOf(Command command)
    {
        var inherited = Ancestors(command).SelectMany(c => c.Options).Where(o => o.Recursive);
        return command.Options.Concat(inherited).Where(o => !o.Hidden).Distinct();
    }

    private static IEnumerable<Command> Ancestors(Command c) =>
        c.Parents.OfType<Command>().SelectMany(p => new[] { p }.Concat(Ancestors(p)));

    private static string Label(Option o)
    {
        // The POSIX spellings only (System.CommandLine also accepts /h, -? and /? for help).
        var names = o.Aliases.Where(a => a.Length == 2 && a[0] == '-' && a != "-?").Concat([o.Name]).Concat(o.Aliases.Where(a => a.Length > 2 && a.StartsWith("--") && a != o.Name));
        var value = o.Arity.MaximumNumberOfValues == 0 ? "" : $" <{o.HelpName ?? "VALUE"}>";
        return string.Join(", ", names) + value;
    }

    private static string Describe(Option o)
    {
        var text = o.Description ?? "";
        if (o.Required) text += " (required)";
        if (OptionGroups.DefaultText(o) is { } d) text += $" [default: {d}]";
        return text;
    }

    private static void Columns(TextWriter output, IEnumerable<(string First, string Second)> rows)
    {
        var list = rows.ToList();
        var width = Math.Min(MaxFirstColumn, list.Max(r => r.First.Length));
        foreach (var (first, second) in list)
        {
            if (first.Length > width)
            {
                output.WriteLine($"  {first}");
                output.WriteLine($"  {new string(' ', width)}  {second}");
            }
            else
            {
                output.WriteLine($"  {first.PadRight(width)}  {second}");
            }
        }
    }
}
