using System.CommandLine;

namespace Jano.Cli.CommandLine;

/// <summary>
/// Runs a command's body and turns its failures into the CLI's contract: one line on stderr,
/// "jano COMMAND: message", exit 2 for a bad command line, 1 for anything that went wrong while working.
/// </summary>
public static class CliAction
{
    public static void Set(Command command, Func<ParseResult, TextWriter, TextWriter, int> body) =>
        command.SetAction(parse => Run(command, parse, body));

    private static int Run(Command command, ParseResult parse, Func<ParseResult, TextWriter, TextWriter, int> body)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        var name = CliApp.DisplayName(command);
        try
        {
            return body(parse, stdout, stderr);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"{name}: {Jano.Core.OneLine.Of(e.Message)} (see {name} --help)");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException
                                    or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or FormatException or OperationCanceledException)
        {
            stderr.WriteLine($"{name}: {Jano.Core.OneLine.Of(e.Message)}");
            return 1;
        }
    }
}
