using System.CommandLine;
using Jano.Cli.CommandLine;
using Jano.Export;
using Jano.Export.Pipelines;
using Jano.Export.PixArt;

namespace Jano.Cli;

/// <summary>`jano export`: a diffusers pipeline folder or a transformer checkpoint → a model package (docs/PACKAGE.md).</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = CliOptions.Text("--checkpoint", "A transformer checkpoint folder (config.json + safetensors), packaged with the built-in MiniLM encoder", "DIR", OptionGroups.Input);
        var pipeline = CliOptions.Text("--pipeline", "A diffusers pipeline folder with model_index.json (PixArt-α/Σ, StableDiffusion3, FLUX)", "DIR", OptionGroups.Input);
        var output = CliOptions.Text("--out", "The package folder to write (replaced as a whole, never half-written)", "DIR", OptionGroups.Output);
        output.Required = true;
        var sampler = CliOptions.Choice("--sampler", "Sampler for a checkpoint without a scheduler config", "", ["flow-euler", "ddim"], OptionGroups.Export);
        sampler.DefaultValueFactory = null;
        var shift = CliOptions.OptionalDouble("--shift", "Flow-matching timestep shift of --sampler flow-euler", 0, 1000, OptionGroups.Export, minExclusive: true);
        var name = CliOptions.Text("--name", "The package's name (default: from the source)", "NAME", OptionGroups.Export);
        var steps = CliOptions.OptionalInt("--steps", "The package's default step count", 1, 10_000, OptionGroups.Export);
        var guidance = CliOptions.OptionalDouble("--guidance", "The package's default guidance scale", 0, 1000, OptionGroups.Export);
        var trueCfg = CliOptions.OptionalDouble("--true-cfg", "A FLUX package's default true CFG scale (1: one branch)", 1, 1000, OptionGroups.Export);
        var dtype = CliOptions.Choice("--dtype", "Weight type of the graphs", "fp32", ["fp32", "fp16"], OptionGroups.Export);
        var preset = CliOptions.Text("--jano-preset", "The package's default Jano preset (generate uses it unless --dense)", "NAME", OptionGroups.Export);
        var size = CliOptions.Size("--size", "Latent size the package is built for, rows x columns of latent pixels", "HxW", OptionGroups.Export);
        var textTokens = CliOptions.OptionalInt("--text-tokens", "Caption rows of an SD3 or FLUX package without text encoders (default 333 for SD3)", 1, 4096, OptionGroups.Export);
        var maxSequence = CliOptions.OptionalInt("--max-sequence-length", "T5 tokens of an SD3 or FLUX pipeline with T5 (SD3 default 256, FLUX.1-dev 512, schnell 256)", 1, 512, OptionGroups.Export);
        var noWholeGraph = CliOptions.Switch("--no-whole-graph", "Skip the whole-model graph used as a second opinion (faster for large models)", OptionGroups.Export);
        var allowNonFinite = CliOptions.Switch("--allow-nonfinite", "Export weights that hold NaN or ±Inf instead of refusing them", OptionGroups.Export);

        var command = new Command("export", "Export a diffusers pipeline or a transformer checkpoint as a model package")
        {
            checkpoint, pipeline, output, sampler, shift, name, steps, guidance, trueCfg, dtype, preset, size, textTokens, maxSequence, noWholeGraph, allowNonFinite,
        };
        CliAction.Set(command, (parse, stdout, _) =>
        {
            var options = new ExportOptions
            {
                Sampler = parse.GetValue(sampler) is { Length: > 0 } s ? s : null,
                Shift = parse.GetValue(shift),
                Name = parse.GetValue(name),
                DefaultSteps = parse.GetValue(steps),
                DefaultGuidance = parse.GetValue(guidance),
                DefaultTrueCfg = parse.GetValue(trueCfg),
                DefaultJanoPreset = parse.GetValue(preset),
                DType = parse.GetValue(dtype) == "fp16" ? "float16" : "float32",
                TextTokens = parse.GetValue(textTokens),
                MaxSequenceLength = parse.GetValue(maxSequence),
                Size = parse.GetValue(size),
                WholeGraph = !parse.GetValue(noWholeGraph),
                AllowNonFinite = parse.GetValue(allowNonFinite),
                Log = stdout.WriteLine,
            };
            return Run(parse.GetValue(checkpoint), parse.GetValue(pipeline), parse.GetValue(output)!, options, stdout);
        });
        return command;
    }

    public static int Run(string? checkpoint, string? pipeline, string output, ExportOptions options, TextWriter stdout)
    {
        if ((checkpoint is null) == (pipeline is null))
            throw new UsageException("export needs one of --checkpoint DIR (a transformer, packaged with the built-in MiniLM encoder) or --pipeline DIR (a diffusers PixArt, StableDiffusion3 or FLUX pipeline folder with model_index.json)");
        var pipelineClass = pipeline is null ? null : PipelineIndex.Load(pipeline).ClassName; // by model_index.json's _class_name
        var sd3 = pipelineClass == Sd3PipelineExporter.ClassName;
        var fluxPipeline = pipelineClass == FluxPipelineExporter.ClassName;
        var flux = checkpoint is not null && Jano.Export.Flux.FluxExporter.IsFlux(checkpoint);
        if (options.TextTokens is not null && !sd3 && !flux && !fluxPipeline)
            throw new UsageException("--text-tokens is for --pipeline with a StableDiffusion3 folder without text encoders (its caption length; default 333)");
        if (options.MaxSequenceLength is not null && !sd3 && !fluxPipeline)
            throw new UsageException("--max-sequence-length is for --pipeline with a StableDiffusion3 folder with T5 (text_encoder_3): its caption rows, 77 CLIP + this many T5 (default 256)");
        var manifest = pipeline is null ? (Jano.Export.Flux.FluxExporter.IsFlux(checkpoint!) ? Jano.Export.Flux.FluxExporter.ExportWithMiniLm(checkpoint!, output, options) : PixArtExporter.Export(checkpoint!, output, options))
            : sd3 ? Sd3PipelineExporter.Export(pipeline, output, options)
            : fluxPipeline ? FluxPipelineExporter.Export(pipeline, output, options)
            : PixArtPipelineExporter.Export(pipeline, output, options);
        stdout.WriteLine($"exported {manifest.Family} package '{manifest.Name}': {manifest.Dims.Depth} blocks, width {manifest.Dims.HiddenSize}, {manifest.Geometry.Describe()} latent, {manifest.Geometry.Tokens} tokens, {manifest.Files.Count} files");
        return 0;
    }
}
