using Jano.Export.PixArt;

namespace Jano.Cli;

public sealed class InitRandomCommand : ICommand
{
    public string Name => "init-random";
    public string Usage => "jano init-random (--config config.json | --pipeline pixart-alpha|pixart-sigma|sd3 [--transformer-config FILE]) --out DIR [--seed N]";

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr)
    {
        var config = args.String("config");
        var pipeline = args.String("pipeline");
        var output = args.RequiredString("out");
        var seed = args.Int("seed") ?? 0;
        var transformerConfig = args.String("transformer-config");
        args.EnsureAllUsed();
        if (transformerConfig is not null && pipeline != Jano.Export.Pipelines.Sd3RandomPipeline.Name)
            throw new UsageException("--transformer-config is for --pipeline sd3 (SD3Transformer2DModel fields merged over the tiny transformer's config); for PixArt give --config FILE");
        if ((config is null) == (pipeline is null))
            throw new UsageException("init-random needs one of --config FILE (a PixArt transformer checkpoint) or --pipeline pixart-alpha|pixart-sigma|sd3 (a whole tiny pipeline folder)");
        if (pipeline is not null)
        {
            if (pipeline == Jano.Export.Pipelines.Sd3RandomPipeline.Name) Jano.Export.Pipelines.Sd3RandomPipeline.Write(output, seed, transformerConfig);
            else Jano.Export.Pipelines.PixArtRandomPipeline.Write(pipeline, output, seed);
            stdout.WriteLine($"wrote a random {pipeline} pipeline (seed {seed}) to {output}");
            return 0;
        }
        if (!File.Exists(config)) throw new FileNotFoundException($"{config}: config file not found");
        PixArtRandomCheckpoint.Write(config, output, seed);
        stdout.WriteLine($"wrote random checkpoint (seed {seed}) to {output}");
        return 0;
    }
}
