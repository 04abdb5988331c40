using Jano.Export.PixArt;

namespace Jano.Cli;

public sealed class InitRandomCommand : ICommand
{
    public string Name => "init-random";
    public string Usage => "jano init-random (--config config.json | --pipeline pixart-alpha|pixart-sigma|sd3|sd35|flux-dev|flux-schnell [--transformer-config FILE]) --out DIR [--seed N]";

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr)
    {
        var config = args.String("config");
        var pipeline = args.String("pipeline");
        var output = args.RequiredString("out");
        var seed = args.Int("seed") ?? 0;
        var transformerConfig = args.String("transformer-config");
        args.EnsureAllUsed();
        var sized = pipeline is not null && (Jano.Export.Pipelines.Sd3RandomPipeline.Names.Contains(pipeline) || Jano.Export.Pipelines.FluxRandomPipeline.Names.Contains(pipeline));
        if (transformerConfig is not null && !sized)
            throw new UsageException("--transformer-config is for --pipeline sd3, sd35, flux-dev or flux-schnell (transformer config fields merged over the tiny transformer's config); for PixArt give --config FILE");
        if ((config is null) == (pipeline is null))
            throw new UsageException("init-random needs one of --config FILE (a PixArt transformer checkpoint) or --pipeline pixart-alpha|pixart-sigma|sd3|sd35|flux-dev|flux-schnell (a whole tiny pipeline folder)");
        if (pipeline is not null)
        {
            if (Jano.Export.Pipelines.Sd3RandomPipeline.Names.Contains(pipeline)) Jano.Export.Pipelines.Sd3RandomPipeline.Write(pipeline, output, seed, transformerConfig);
            else if (Jano.Export.Pipelines.FluxRandomPipeline.Names.Contains(pipeline)) Jano.Export.Pipelines.FluxRandomPipeline.Write(pipeline, output, seed, transformerConfig);
            else if (pipeline is Jano.Export.Pipelines.PixArtRandomPipeline.AlphaName or Jano.Export.Pipelines.PixArtRandomPipeline.SigmaName)
                Jano.Export.Pipelines.PixArtRandomPipeline.Write(pipeline, output, seed);
            else throw new UsageException($"--pipeline '{pipeline}' is not one init-random writes (pixart-alpha, pixart-sigma, sd3, sd35, flux-dev, flux-schnell)");
            stdout.WriteLine($"wrote a random {pipeline} pipeline (seed {seed}) to {output}");
            return 0;
        }
        if (!File.Exists(config)) throw new FileNotFoundException($"{config}: config file not found");
        PixArtRandomCheckpoint.Write(config, output, seed);
        stdout.WriteLine($"wrote random checkpoint (seed {seed}) to {output}");
        return 0;
    }
}
