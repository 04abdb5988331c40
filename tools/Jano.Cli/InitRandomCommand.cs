using Jano.Export.PixArt;

namespace Jano.Cli;

public sealed class InitRandomCommand : ICommand
{
    public string Name => "init-random";
    public string Usage => "jano init-random (--config config.json | --pipeline pixart-alpha|pixart-sigma|sd3|sd35) --out DIR [--seed N]";

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr)
    {
        var config = args.String("config");
        var pipeline = args.String("pipeline");
        var output = args.RequiredString("out");
        var seed = args.Int("seed") ?? 0;
        args.EnsureAllUsed();
        if ((config is null) == (pipeline is null))
            throw new UsageException("init-random needs one of --config FILE (a PixArt transformer checkpoint) or --pipeline pixart-alpha|pixart-sigma|sd3|sd35 (a whole tiny pipeline folder)");
        if (pipeline is not null)
        {
            if (Jano.Export.Pipelines.Sd3RandomPipeline.Names.Contains(pipeline)) Jano.Export.Pipelines.Sd3RandomPipeline.Write(pipeline, output, seed);
            else if (pipeline is Jano.Export.Pipelines.PixArtRandomPipeline.AlphaName or Jano.Export.Pipelines.PixArtRandomPipeline.SigmaName)
                Jano.Export.Pipelines.PixArtRandomPipeline.Write(pipeline, output, seed);
            else throw new UsageException($"--pipeline '{pipeline}' is not one init-random writes (pixart-alpha, pixart-sigma, sd3, sd35)");
            stdout.WriteLine($"wrote a random {pipeline} pipeline (seed {seed}) to {output}");
            return 0;
        }
        if (!File.Exists(config)) throw new FileNotFoundException($"{config}: config file not found");
        PixArtRandomCheckpoint.Write(config, output, seed);
        stdout.WriteLine($"wrote random checkpoint (seed {seed}) to {output}");
        return 0;
    }
}
