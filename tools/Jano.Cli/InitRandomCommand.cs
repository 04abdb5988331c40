using System.CommandLine;
using Jano.Cli.CommandLine;
using Jano.Export.PixArt;

namespace Jano.Cli;

/// <summary>`jano init-random`: a random-weight checkpoint or a whole tiny diffusers pipeline folder, for tests and scaling studies.</summary>
public static class InitRandomCommand
{
    public static readonly IReadOnlyList<string> Pipelines = ["pixart-alpha", "pixart-sigma", "sd3", "sd35", "flux-dev", "flux-schnell"];

    public static Command Create()
    {
        var config = CliOptions.Text("--config", "A PixArt transformer config.json: writes a random checkpoint of that shape", "FILE", OptionGroups.Input);
        var pipeline = CliOptions.Text("--pipeline", $"Writes a whole tiny random pipeline folder of this kind ({string.Join(", ", Pipelines)})", "KIND", OptionGroups.Input);
        pipeline.CompletionSources.Add(Pipelines.ToArray());
        var transformerConfig = CliOptions.Text("--transformer-config", "With --pipeline sd3|sd35|flux-*: transformer config fields merged over the tiny transformer's", "FILE", OptionGroups.Input);
        var output = CliOptions.Text("--out", "The folder to write", "DIR", OptionGroups.Output);
        output.Required = true;
        var seed = CliOptions.Int("--seed", "Seed of the random weights", 0, 0, int.MaxValue, OptionGroups.Generation);
        var command = new Command("init-random", "Write a random-weight checkpoint or a tiny random diffusers pipeline (tests, scaling studies)") { config, pipeline, transformerConfig, output, seed };
        CliAction.Set(command, (parse, stdout, _) => Run(parse.GetValue(config), parse.GetValue(pipeline), parse.GetValue(output)!, parse.GetValue(seed), parse.GetValue(transformerConfig), stdout));
        return command;
    }

    public static int Run(string? config, string? pipeline, string output, int seed, string? transformerConfig, TextWriter stdout)
    {
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
