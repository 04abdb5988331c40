using Jano.Export.PixArt;

namespace Jano.Cli;

public sealed class InitRandomCommand : ICommand
{
    public string Name => "init-random";
    public string Usage => "jano init-random --config config.json --out DIR [--seed N]";

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr)
    {
        var config = args.RequiredString("config");
        var output = args.RequiredString("out");
        var seed = args.Int("seed") ?? 0;
        args.EnsureAllUsed();
        if (!File.Exists(config)) throw new FileNotFoundException($"{config}: config file not found");
        PixArtRandomCheckpoint.Write(config, output, seed);
        stdout.WriteLine($"wrote random checkpoint (seed {seed}) to {output}");
        return 0;
    }
}
