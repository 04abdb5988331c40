using Jano.Export;
using Jano.Export.Pipelines;
using Jano.Export.PixArt;

namespace Jano.Cli;

public sealed class ExportCommand : ICommand
{
    public string Name => "export";
    public string Usage => "jano export (--checkpoint DIR | --pipeline DIR) --out DIR [--sampler flow-euler|ddim] [--shift X] [--name NAME] [--steps N] [--guidance X] [--true-cfg X] [--dtype fp32|fp16] [--jano-preset NAME] [--size HxW] [--text-tokens N] [--max-sequence-length N] [--no-whole-graph]";
    public IReadOnlySet<string> Switches => new HashSet<string> { "no-whole-graph" };

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr)
    {
        var checkpoint = args.String("checkpoint");
        var pipeline = args.String("pipeline");
        if ((checkpoint is null) == (pipeline is null))
            throw new UsageException("export needs one of --checkpoint DIR (a transformer, packaged with the built-in MiniLM encoder) or --pipeline DIR (a diffusers PixArt or StableDiffusion3 pipeline folder with model_index.json)");
        var output = args.RequiredString("out");
        var options = new ExportOptions
        {
            Sampler = args.String("sampler"),
            Shift = args.Double("shift"),
            Name = args.String("name"),
            DefaultSteps = args.Int("steps"),
            DefaultGuidance = args.Double("guidance"),
            DefaultTrueCfg = args.Double("true-cfg"),
            DefaultJanoPreset = args.String("jano-preset"),
            DType = args.String("dtype") switch
            {
                null or "fp32" or "float32" => "float32",
                "fp16" or "float16" => "float16",
                var other => throw new UsageException($"--dtype: '{other}' is not fp32 or fp16"),
            },
            TextTokens = args.Int("text-tokens"),
            MaxSequenceLength = args.Int("max-sequence-length"),
            Size = args.String("size") is { } size ? SizeOption.Parse("--size", size, widthFirst: false) : null,
            WholeGraph = !args.Switch("no-whole-graph"),
            Log = stdout.WriteLine,
        };
        args.EnsureAllUsed();
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
