namespace Jano.Cli;

/// <summary>Dispatches `jano COMMAND ...`; every failure is one clear line on stderr and a non-zero exit.</summary>
public static class CliApp
{
    private static readonly IReadOnlyDictionary<string, ICommand> Commands = new ICommand[]
    {
        new ExportCommand(),
        new InitRandomCommand(),
        new InfoCommand(),
        new VerifyCommand(),
        new GenerateCommand(),
        new EvalCommand(),
        new BenchCommand(),
        new Calibrate.CalibrateCommand(), // temporary registration (#17) until the System.CommandLine conversion lands
    }.ToDictionary(c => c.Name);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine("usage: jano COMMAND [options]");
            foreach (var c in Commands.Values) stdout.WriteLine($"  {c.Usage}");
            return args.Length == 0 ? 2 : 0;
        }
        if (!Commands.TryGetValue(args[0], out var command))
        {
            stderr.WriteLine($"jano: unknown command '{args[0]}' (commands: {string.Join(", ", Commands.Keys)})");
            return 2;
        }
        // `jano COMMAND --help` / `-h` anywhere after the command: its usage, nothing run (a prompt of "-h" is not a request).
        if (args.Skip(1).Any(a => a is "-h" or "--help"))
        {
            stdout.WriteLine($"usage: {command.Usage}");
            return 0;
        }
        try
        {
            var parsed = new CliArguments(args.Skip(1), command.Switches);
            return command.Run(parsed, stdout, stderr);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"jano {command.Name}: {e.Message}");
            stderr.WriteLine($"usage: {command.Usage}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            stderr.WriteLine($"jano {command.Name}: {e.Message}");
            return 1;
        }
    }
}

public interface ICommand
{
    string Name { get; }
    string Usage { get; }
    IReadOnlySet<string> Switches => new HashSet<string>();
    int Run(CliArguments args, TextWriter stdout, TextWriter stderr);
}
