using System.CommandLine;
using System.CommandLine.Invocation;
using Jano.Cli.CommandLine;

namespace Jano.Cli;

/// <summary>
/// `jano COMMAND ...` on System.CommandLine: the command tree, grouped help (`--help`/`-h` on every command),
/// `--version`, shell completion through the [suggest] directive. Every failure is one clear line on stderr
/// ("jano COMMAND: ...") and a non-zero exit: 2 for a bad command line, 1 for a failure while working.
/// </summary>
public static class CliApp
{
    public const string ToolName = "jano";

    /// <summary>The whole command tree; built per run (options carry no state between runs, but tests run in parallel).</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Jano.NET: diffusion-transformer text-to-image generation on ONNX Runtime, accelerated by Jano.")
        {
            GenerateCommand.Create(),
            InfoCommand.Create(),
            VerifyCommand.Create(),
            ExportCommand.Create(),
            InitRandomCommand.Create(),
            EvalCommand.Create(),
            BenchCommand.Create(),
            CalibrateCommand.Create(),
            TuneCommand.Create(),
            Batch.BatchCommand.Create(),
            ServeCommand.Create(),
            CompletionCommand.Create(),
            HelpMarkdownCommand.Create(),
        };
        // Without this, the root's usage line would name the test host or `dotnet` rather than the tool.
        root.HelpName = ToolName;
        GroupedHelp.Install(root);
        VersionAction.Install(root);
        return root;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = Build();
        var parse = root.Parse(args);
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        if (parse.Action is ParseErrorAction && parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command;
            var name = DisplayName(command);
            var commands = string.Join(", ", root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
            if (command is RootCommand && args.Length == 0)
            {
                stderr.WriteLine($"{ToolName}: give a command (commands: {commands}; see {ToolName} --help)");
                return 2;
            }
            if (command is RootCommand && !args[0].StartsWith('-') && !args[0].StartsWith('['))
            {
                stderr.WriteLine($"{ToolName}: unknown command '{Jano.Core.OneLine.Of(args[0], 100)}' (commands: {commands})");
                return 2;
            }
            // An option's own complaint (a missing or wrong value) explains the stray words after it; report it first.
            var error = parse.Errors.FirstOrDefault(e => e.SymbolResult is System.CommandLine.Parsing.OptionResult or System.CommandLine.Parsing.ArgumentResult) ?? parse.Errors[0];
            stderr.WriteLine($"{name}: {Jano.Core.OneLine.Of(error.Message)} (see {name} --help)");
            return 2;
        }
        return parse.Invoke(config);
    }

    /// <summary>"jano generate" for a command, "jano" for the root, whatever the executable is called.</summary>
    public static string DisplayName(Command command) =>
        command is RootCommand ? ToolName : string.Join(" ", new[] { ToolName }.Concat(Path(command)));

    private static IEnumerable<string> Path(Command command)
    {
        var parent = command.Parents.OfType<Command>().FirstOrDefault(p => p is not RootCommand);
        return (parent is null ? [] : Path(parent)).Append(command.Name);
    }
}
