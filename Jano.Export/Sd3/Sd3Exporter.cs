using Jano.Core.Acceleration;
using Jano.Core.Geometry;
using Jano.Core.IO;
using Jano.Core.Packages;
using Jano.Core.Stages;
using Jano.Export.Checkpoints;
using Jano.Export.Onnx;
using Jano.Export.PixArt;

namespace Jano.Export.Sd3;

/// <summary>
/// Turns a diffusers-layout SD3 transformer checkpoint into graphs: the whole graph model.onnx, and a
/// package of stage graphs for the token engine (text encoders not yet: the package takes states).
/// </summary>
public static class Sd3Exporter
{
    /// <summary>Config and weights of a transformer folder; every checkpoint tensor must be used.</summary>
    public static (Sd3Config Config, Sd3Weights Weights) Load(string folder, WeightChecks? checks = null)
    {
        var configPath = Path.Combine(folder, "config.json");
        var config = Sd3Config.Load(configPath);
        using var checkpoint = CheckpointWeights.Open(folder, checks);
        var weights = Sd3Weights.Load(config, (key, shape) => checkpoint.GetFloat32(key, shape));
        var unused = checkpoint.UnusedKeys().Order(StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
            throw new ExportException(
                $"{checkpoint.SourcePath}: {unused.Count} tensor(s) are not used by the architecture in {configPath} " +
                $"(e.g. '{string.Join("', '", unused.Take(3))}'); check num_layers, qk_norm and dual_attention_layers");
        return (config, weights);
    }

    /// <summary>Writes the whole-graph model.onnx for latents of height × width.</summary>
    public static void ExportWholeGraph(string folder, string outputFile, int height, int width)
    {
        var (config, weights) = Load(folder);
        OnnxModelWriter.Save(new Sd3WholeGraph(config, weights, height, width).Build(), outputFile);
    }

    /// <summary>
    /// A package of the transformer's stage graphs for <paramref name="textTokens"/> caption tokens (L,
    /// the prefix rows: fixed per package, as diffusers' SD3 pipeline pads the prompt to a fixed length).
    /// </summary>
    public static ModelManifest Export(string checkpoint, string output, int textTokens, ExportOptions? options = null)
    {
        options ??= new ExportOptions();
        if (textTokens <= 0) throw new ExportException($"text tokens must be positive, found {textTokens}");
        var folder = PixArtExporter.TransformerFolder(checkpoint);
        options.Validate();
        var (config, weights) = Load(folder, WeightChecks.Of(options));
        var scheduler = SchedulerConfigReader.Resolve(folder, options, learnedSigma: false, options.Log);
        using var package = new PackageFolder(output);
        var transformer = WriteTransformer(config, weights, textTokens, package, options);
        return PixArtExporter.Complete(package, output, transformer, [], new DecoderComponent(), scheduler, options);
    }

    /// <summary>
    /// The package's geometry: the config's sample size, or --size (latent pixels), which must be whole
    /// patches on a grid the position table (pos_embed_max_size a side) covers.
    /// </summary>
    public static LatentGeometry GeometryFor(Sd3Config config, int textTokens, ExportOptions options)
    {
        var geometry = LatentGeometry.Square(config.InChannels, config.OutChannels, config.SampleSize, config.PatchSize) with { PrefixRows = textTokens };
        if (options.Size is var (height, width)) geometry = geometry with { Height = height, Width = width };
        if (geometry.Problem() is { } problem) throw new ExportException($"--size {geometry.Height}x{geometry.Width}: {problem}");
        if (geometry.GridHeight > config.PosEmbedMaxSize || geometry.GridWidth > config.PosEmbedMaxSize)
            throw new ExportException($"--size {geometry.Height}x{geometry.Width}: its patch grid {geometry.GridHeight}×{geometry.GridWidth} exceeds the transformer's pos_embed_max_size {config.PosEmbedMaxSize} (at most {config.PosEmbedMaxSize * config.PatchSize} latent pixels a side)");
        return geometry;
    }

    public static PixArtExporter.TransformerExport WriteTransformer(Sd3Config config, Sd3Weights weights, int textTokens, PackageFolder package, ExportOptions options)
    {
        var compute = Encoders.T5.T5Exporter.ComputeType(options.DType);
        var geometry = GeometryFor(config, textTokens, options);
        var presets = JanoPresets.For(geometry.Height, geometry.Width).ToDictionary(p => p.Key, p => p.Value);
        // SD3 packages default to the reference implementation's SD3 preset.
        var defaultPreset = options.DefaultJanoPreset ?? JanoPresets.Sd3;
        if (!presets.ContainsKey(defaultPreset))
            throw new ExportException($"default Jano preset '{defaultPreset}' is not one of the package's presets ({string.Join(", ", presets.Keys)})");
        var graphs = new Sd3StageGraphs(config, weights, textTokens, compute);

        StageGraph Save(string file, StageSignature signature, Func<Onnx.Proto.ModelProto> build) => package.SaveStage(file, signature, build, options.Log);

        var embed = Save("embed.onnx", Sd3Stages.Embed, graphs.Embed);
        var cond = Save("cond.onnx", Sd3Stages.Cond, graphs.Cond);
        var context = Save("context.onnx", Sd3Stages.Context, graphs.Context);
        var blocks = new List<BlockStages>();
        for (var i = 0; i < config.NumLayers; i++)
        {
            var layer = i;
            var kind = Sd3Stages.KindOf(i, config.NumLayers, config.IsDual(i));
            blocks.Add(new BlockStages
            {
                Kind = kind,
                Pre = Save($"block_{i:D2}.pre.onnx", Sd3Stages.PreFor(kind), () => graphs.Pre(layer)),
                Post = Save($"block_{i:D2}.post.onnx", Sd3Stages.PostFor(kind), () => graphs.Post(layer)),
            });
        }
        var final = Save("final.onnx", Sd3Stages.Final, graphs.Final);
        var attention = Save("attention.onnx", StageRoles.AttentionGraph, graphs.Attention);
        var model = options.WholeGraph
            ? Save("model.onnx", Sd3Stages.Model, () => new Sd3WholeGraph(config, weights, geometry.Height, geometry.Width, compute).Build())
            : null;
        // The position rows of this size: the centre crop of the checkpoint's table, as diffusers crops it
        // (other sizes: the manifest's generator, when the table is diffusers' sin-cos one).
        var positions = weights.CroppedPositions(config.PosEmbedMaxSize, geometry.GridHeight, geometry.GridWidth, config.HiddenSize);
        var positionsTable = package.SaveImageRowTable(Sd3Stages.PositionsTable, "positions.safetensors", positions, geometry.Tokens, config.HiddenSize);

        var component = new TransformerComponent
        {
            Family = Sd3Stages.Family,
            DType = options.DType,
            Geometry = geometry,
            Dims = new ModelDims
            {
                HiddenSize = config.HiddenSize,
                Depth = config.NumLayers,
                Heads = config.NumHeads,
                HeadDim = config.HeadDim,
                MlpHidden = config.MlpHidden,
                CaptionChannels = config.JointAttentionDim,
                ModulationSize = 6 * config.HiddenSize,
            },
            Stages = new TransformerStages
            {
                Embed = embed, Cond = cond, Context = context, Blocks = blocks, Final = final, Attention = attention, Model = model,
            },
            Tables = [positionsTable],
            Positions = Sd3PositionGenerator.For(config, weights, options.Log),
        };
        return new PixArtExporter.TransformerExport(component, presets, defaultPreset);
    }
}
