using System.CommandLine;
using Jano.Cli.CommandLine;

namespace Jano.Cli;

/// <summary>
/// `jano completion bash|zsh`: a script that wires the shell's completion to System.CommandLine's own
/// [suggest] directive (`jano "[suggest:POS]" "LINE"` prints the candidates), so completions always follow
/// the real command tree: commands, options, and the values of choice options.
/// </summary>
public static class CompletionCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash or zsh" };
        shell.CompletionSources.Add("bash", "zsh");
        var command = new Command("completion", "Print a shell completion script: eval \"$(jano completion bash)\" (in ~/.bashrc) or the same for zsh") { shell };
        CliAction.Set(command, (parse, stdout, _) =>
        {
            var name = parse.GetValue(shell);
            stdout.Write(name switch
            {
                "bash" => Bash,
                "zsh" => "autoload -U +X bashcompinit && bashcompinit\n" + Bash,
                _ => throw new UsageException($"SHELL must be bash or zsh, got '{name}'"),
            });
            return 0;
        });
        return command;
    }

    // COMP_LINE/COMP_POINT: the whole line and the cursor; the directive takes both, the tool name included.
    private const string Bash = """
        _jano_complete() {
          local IFS=$'\n'
          COMPREPLY=( $(compgen -W "$(jano "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _jano_complete jano

        """;
}
