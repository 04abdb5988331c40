using Jano.Core.Acceleration;
using Jano.Core.Geometry;
using Jano.Core.Packages;
using Jano.Core.Stages;
using Jano.Export.Checkpoints;
using Jano.Export.Onnx;
using Jano.Export.PixArt;

namespace Jano.Export.Flux;

/// <summary>
/// Turns a diffusers-layout FLUX transformer checkpoint into graphs: the whole graph model.onnx and a
/// package of stage graphs for the token engine (double-stream blocks of kind joint, single-stream of
/// kind single), its RoPE described in the manifest so the runtime makes the table for any size.
/// </summary>
public static class FluxExporter
{
    /// <summary>The caption rows of a FLUX transformer packaged alone with MiniLM (the trained FLUX-family model's, tools/Jano.Train).</summary>
    public const int DefaultMiniLmRows = 16;

    /// <summary>The latent size without --size: FLUX.1's 1024² image through its 8× VAE.</summary>
    public const int DefaultLatentSize = 128;

    /// <summary>Config and weights of a transformer folder; every checkpoint tensor must be used.</summary>
    public static (FluxConfig Config, FluxWeights Weights) Load(string folder)
    {
        var configPath = Path.Combine(folder, "config.json");
        var config = FluxConfig.Load(configPath);
        using var checkpoint = CheckpointWeights.Open(folder);
        var weights = FluxWeights.Load(config, (key, shape) => checkpoint.GetFloat32(key, shape));
        var unused = checkpoint.UnusedKeys().Order(StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
            throw new ExportException(
                $"{checkpoint.SourcePath}: {unused.Count} tensor(s) are not used by the architecture in {configPath} " +
                $"(e.g. '{string.Join("', '", unused.Take(3))}'); check num_layers, num_single_layers and guidance_embeds");
        return (config, weights);
    }

    /// <summary>Whether a checkpoint's transformer config.json is a FLUX transformer's (by _class_name).</summary>
    public static bool IsFlux(string checkpoint)
    {
        var root = ConfigReader.LoadObject(Path.Combine(PixArtExporter.TransformerFolder(checkpoint), "config.json"));
        return root["_class_name"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var name) && name == FluxConfig.ClassName;
    }

    /// <summary>
    /// A package of the transformer alone with the built-in MiniLM caption encoder: its token states
    /// zero-padded to <see cref="ExportOptions.TextTokens"/> rows (default 16) and their mean as the pooled
    /// vector, as tools/Jano.Train trains its FLUX-family model.
    /// </summary>
    public static ModelManifest ExportWithMiniLm(string checkpoint, string output, ExportOptions? options = null)
    {
        options ??= new ExportOptions();
        var rows = options.TextTokens ?? DefaultMiniLmRows;
        if (rows is < 1 or > 512) throw new ExportException($"--text-tokens {rows}: a FLUX package's caption rows must be 1 to 512");
        var folder = PixArtExporter.TransformerFolder(checkpoint);
        var (config, weights) = Load(folder);
        if (config.JointAttentionDim != MiniLmWidth || config.PooledProjectionDim != MiniLmWidth)
            throw new ExportException($"{Path.Combine(folder, "config.json")}: joint_attention_dim {config.JointAttentionDim} and pooled_projection_dim {config.PooledProjectionDim} must both be MiniLM's {MiniLmWidth} to package this transformer alone; export its pipeline folder (--pipeline) for T5 and CLIP");
        var scheduler = SchedulerConfigReader.Resolve(folder, options, learnedSigma: false, options.Log);
        using var package = new PackageFolder(output);
        var transformer = WriteTransformer(config, weights, rows, package, options);
        TextEncoderComponent[] encoders = [new() { Kind = TextEncoderComponent.MiniLm, Name = "all-MiniLM-L6-v2", HiddenSize = MiniLmWidth, MaxTokens = rows, Outputs = ["states", "pooled"] }];
        return PixArtExporter.Complete(package, output, transformer, encoders, new DecoderComponent(), scheduler, options);
    }

    private const int MiniLmWidth = 384;

    /// <summary>
    /// A package of the transformer's stage graphs alone for <paramref name="textTokens"/> caption rows (L,
    /// fixed per package as FluxPipeline pads T5 to max_sequence_length), without text encoders: requests
    /// bring their conditioning as states (embeddings computed elsewhere, the goldens).
    /// </summary>
    public static ModelManifest Export(string checkpoint, string output, int textTokens, ExportOptions? options = null)
    {
        options ??= new ExportOptions();
        if (textTokens is < 1 or > 512) throw new ExportException($"text tokens {textTokens}: a FLUX package's caption rows must be 1 to 512");
        var folder = PixArtExporter.TransformerFolder(checkpoint);
        var (config, weights) = Load(folder);
        var scheduler = SchedulerConfigReader.Resolve(folder, options, learnedSigma: false, options.Log);
        using var package = new PackageFolder(output);
        var transformer = WriteTransformer(config, weights, textTokens, package, options);
        return PixArtExporter.Complete(package, output, transformer, [], new DecoderComponent(), scheduler, options);
    }

    /// <summary>Writes the whole-graph model.onnx for latents of height × width (unpacked latent pixels).</summary>
    public static void ExportWholeGraph(string folder, string outputFile, int height, int width)
    {
        var (config, weights) = Load(folder);
        OnnxModelWriter.Save(new FluxWholeGraph(config, weights, height, width).Build(), outputFile);
    }

    /// <summary>The package's geometry: --size (latent pixels, even: 2×2 packing) or 128×128.</summary>
    public static LatentGeometry GeometryFor(FluxConfig config, int textTokens, ExportOptions options)
    {
        var (height, width) = options.Size ?? (DefaultLatentSize, DefaultLatentSize);
        if (height % FluxStages.PackFactor != 0 || width % FluxStages.PackFactor != 0 || height <= 0 || width <= 0)
            throw new ExportException($"--size {height}x{width}: a FLUX latent packs 2×2, so both sides must be positive and even");
        var geometry = new LatentGeometry
        {
            Channels = config.LatentChannels, OutChannels = config.LatentOutChannels, Height = height, Width = width,
            PatchSize = FluxStages.PackFactor, PrefixRows = textTokens,
        };
        if (geometry.Problem() is { } problem) throw new ExportException($"--size {height}x{width}: {problem}");
        return geometry;
    }

    public static PixArtExporter.TransformerExport WriteTransformer(FluxConfig config, FluxWeights weights, int textTokens, PackageFolder package, ExportOptions options)
    {
        var compute = Encoders.T5.T5Exporter.ComputeType(options.DType);
        var geometry = GeometryFor(config, textTokens, options);
        var presets = JanoPresets.For(geometry.Height, geometry.Width).ToDictionary(p => p.Key, p => p.Value);
        // FLUX packages default to the reference implementation's FLUX preset.
        var defaultPreset = options.DefaultJanoPreset ?? JanoPresets.Reference;
        if (!presets.ContainsKey(defaultPreset))
            throw new ExportException($"default Jano preset '{defaultPreset}' is not one of the package's presets ({string.Join(", ", presets.Keys)})");
        var graphs = new FluxStageGraphs(config, weights, textTokens, compute);

        StageGraph Save(string file, StageSignature signature, Func<Onnx.Proto.ModelProto> build) => package.SaveStage(file, signature, build, options.Log);

        var embed = Save("embed.onnx", FluxStages.Embed, graphs.Embed);
        var cond = Save("cond.onnx", FluxStages.CondFor(config.GuidanceEmbeds), graphs.Cond);
        var context = Save("context.onnx", FluxStages.Context, graphs.Context);
        var blocks = new List<BlockStages>();
        for (var i = 0; i < config.Depth; i++)
        {
            var layer = i;
            blocks.Add(new BlockStages
            {
                Kind = FluxStages.KindOf(i, config.NumLayers),
                Pre = Save($"block_{i:D2}.pre.onnx", FluxStages.Pre, () => graphs.Pre(layer)),
                Post = Save($"block_{i:D2}.post.onnx", FluxStages.Post, () => graphs.Post(layer)),
            });
        }
        var final = Save("final.onnx", FluxStages.Final, graphs.Final);
        var attention = Save("attention.onnx", StageRoles.AttentionGraph, graphs.Attention);
        var model = options.WholeGraph
            ? Save("model.onnx", FluxStages.ModelFor(config.GuidanceEmbeds), () => new FluxWholeGraph(config, weights, geometry.Height, geometry.Width, compute).Build())
            : null;

        var component = new TransformerComponent
        {
            Family = FluxStages.Family,
            DType = options.DType,
            Geometry = geometry,
            Dims = new ModelDims
            {
                HiddenSize = config.HiddenSize,
                Depth = config.Depth,
                Heads = config.NumHeads,
                HeadDim = config.HeadDim,
                MlpHidden = config.MlpHidden,
                CaptionChannels = config.JointAttentionDim,
                ModulationSize = 6 * config.HiddenSize,
                PooledWidth = config.PooledProjectionDim,
            },
            Stages = new TransformerStages
            {
                Embed = embed, Cond = cond, Context = context, Blocks = blocks, Final = final, Attention = attention, Model = model,
            },
            Rope = config.Rope,
            Guidance = config.GuidanceEmbeds ? TransformerComponent.EmbeddedGuidance : TransformerComponent.NoGuidance,
        };
        return new PixArtExporter.TransformerExport(component, presets, defaultPreset);
    }
}
