using System.CommandLine;
using Jano.Cli.CommandLine;
using Jano.Runtime;

namespace Jano.Cli;

/// <summary>
/// The runtime options of the commands that run a model: --threads, --provider, --attention. More threads than
/// the machine's logical cores are capped by the runtime with a note (<see cref="Runtime.Pipeline.TextToImagePipeline.ThreadsNote"/>).
/// </summary>
public sealed class RuntimeFlags(string defaultProvider)
{
    public readonly Option<int> Threads = CliOptions.Int("--threads", "ONNX Runtime intra-op threads; 0: one per core (more than the cores are capped, with a note)", 0, 0, 4096, OptionGroups.Runtime);
    public readonly Option<string> Provider = CliOptions.Choice("--provider", "Execution provider; auto falls back to the CPU with a note", defaultProvider, ["auto", "cpu", "cuda"], OptionGroups.Runtime);
    public readonly Option<string> Attention = CliOptions.Choice("--attention", "Attention of the token engine: ONNX Runtime graphs or our kernel", new RuntimeOptions().Attention, ["ort", "kernel"], OptionGroups.Runtime);

    public void AddTo(Command command)
    {
        command.Options.Add(Threads);
        command.Options.Add(Provider);
        command.Options.Add(Attention);
    }

    public Values Read(ParseResult parse) => new(parse.GetValue(Threads), parse.GetValue(Provider)!, parse.GetValue(Attention)!);

    public sealed record Values(int Threads, string Provider, string Attention)
    {
        public RuntimeOptions Options() => new() { Threads = Threads, Provider = Provider, Attention = Attention };
    }
}
