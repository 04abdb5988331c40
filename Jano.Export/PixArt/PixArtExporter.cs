using Jano.Core.Acceleration;
using Jano.Core.Geometry;
using Jano.Core.IO;
using Jano.Core.Packages;
using Jano.Core.Stages;
using Jano.Export.Checkpoints;
using Jano.Export.Onnx;

namespace Jano.Export.PixArt;

/// <summary>Turns a diffusers-layout PixArt checkpoint into a Jano model package.</summary>
public static class PixArtExporter
{
    public static ModelManifest Export(string checkpoint, string output, ExportOptions? options = null)
    {
        var (config, weights, folder, resolved) = Load(checkpoint, options ?? new ExportOptions());
        var scheduler = SchedulerConfigReader.Resolve(folder, resolved, config.OutChannels == 2 * config.InChannels, resolved.Log);
        return Write(config, weights, scheduler, output, resolved);
    }

    /// <summary>
    /// The transformer of a checkpoint (its folder, or a pipeline root with transformer/): config and
    /// weights, every tensor used; the options completed with what the pipeline folder says (the VAE
    /// factor for micro-conditions).
    /// </summary>
    public static (PixArtConfig Config, PixArtWeights Weights, string Folder, ExportOptions Options) Load(string checkpoint, ExportOptions options)
    {
        options.Validate();
        var folder = TransformerFolder(checkpoint);
        var configPath = Path.Combine(folder, "config.json");
        var config = PixArtConfig.Load(configPath);

        PixArtWeights weights;
        using (var checkpointWeights = CheckpointWeights.Open(folder, WeightChecks.Of(options)))
        {
            weights = PixArtWeights.Load(config, (key, shape) => checkpointWeights.GetFloat32(key, shape));
            var unused = checkpointWeights.UnusedKeys().Order(StringComparer.Ordinal).ToList();
            if (unused.Count > 0)
                throw new ExportException(
                    $"{checkpointWeights.SourcePath}: config/weight mismatch: {unused.Count} tensor(s) are not used by the architecture in {configPath} " +
                    $"(e.g. '{string.Join("', '", unused.Take(3))}'); check num_layers and the other config fields");
        }
        if (config.UseAdditionalConditions && options.VaeScaleFactor is null)
            options = options with { VaeScaleFactor = VaeScaleFactor(folder, options.Log) };
        return (config, weights, folder, options);
    }

    /// <summary>2^(levels − 1) from the pipeline's vae/config.json (block_out_channels), or 1 without one.</summary>
    private static int VaeScaleFactor(string transformerFolder, Action<string>? log)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(transformerFolder).TrimEnd(Path.DirectorySeparatorChar));
        var vaeConfig = parent is null ? null : Path.Combine(parent, "vae", "config.json");
        if (vaeConfig is null || !File.Exists(vaeConfig))
        {
            log?.Invoke("micro-conditions: no vae/config.json beside the transformer, so the image size is the latent size (pass the VAE factor to change it)");
            return 1;
        }
        try
        {
            var levels = (JsonInput.ParseNode(File.ReadAllText(vaeConfig))?["block_out_channels"] as System.Text.Json.Nodes.JsonArray)?.Count
                ?? throw new ExportException($"{vaeConfig}: field 'block_out_channels' is missing or not a list");
            return 1 << (levels - 1);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ExportException($"{vaeConfig}: invalid JSON: {JsonInput.OneLine(e)}", e);
        }
    }

    /// <summary>A checkpoint is either the transformer folder itself or a pipeline root holding transformer/.</summary>
    public static string TransformerFolder(string checkpoint)
    {
        if (!Directory.Exists(checkpoint))
            throw new ExportException($"{checkpoint}: checkpoint folder not found");
        if (File.Exists(Path.Combine(checkpoint, "config.json"))) return checkpoint;
        var nested = Path.Combine(checkpoint, "transformer");
        if (File.Exists(Path.Combine(nested, "config.json"))) return nested;
        throw new ExportException($"{checkpoint}: no config.json (looked in the folder and in its transformer/ subfolder)");
    }

    /// <summary>The latent size the package is built for: the options' --size, else the config's square sample_size.</summary>
    public static LatentGeometry GeometryOf(PixArtConfig config, ExportOptions options)
    {
        var geometry = LatentGeometry.Square(config.InChannels, config.OutChannels, config.SampleSize, config.PatchSize);
        if (options.Size is var (height, width)) geometry = geometry with { Height = height, Width = width };
        if (geometry.Problem() is { } problem)
            throw new ExportException($"--size {geometry.Height}x{geometry.Width}: {problem}");
        return geometry;
    }

    /// <summary>What the transformer part of an export produced: its component and the Jano presets for its size.</summary>
    public sealed record TransformerExport(TransformerComponent Component, Dictionary<string, JanoOptions> Presets, string DefaultPreset);

    /// <summary>A package of the transformer alone, with the built-in MiniLM caption encoder (the default model's kind).</summary>
    public static ModelManifest Write(PixArtConfig config, PixArtWeights weights, SchedulerComponent scheduler, string output, ExportOptions options)
    {
        using var package = new PackageFolder(output);
        var transformer = WriteTransformer(config, weights, package, options);
        // The default model's encoder; real T5/CLIP encoders are components of their own pipelines.
        TextEncoderComponent[] encoders = [new() { Kind = TextEncoderComponent.MiniLm, Name = "all-MiniLM-L6-v2", HiddenSize = config.CaptionChannels, MaxTokens = 64 }];
        return Complete(package, output, transformer, encoders, new DecoderComponent(), scheduler, options);
    }

    /// <summary>Writes the transformer's stage graphs, whole graph and position table into the package folder.</summary>
    public static TransformerExport WriteTransformer(PixArtConfig config, PixArtWeights weights, PackageFolder package, ExportOptions options)
    {
        var log = options.Log;
        var compute = options.DType switch
        {
            "float32" => Onnx.OnnxElementType.Float,
            "float16" => Onnx.OnnxElementType.Float16,
            _ => throw new ExportException($"dtype '{options.DType}' is not supported (float32 or float16)"),
        };
        var geometry = GeometryOf(config, options);
        var presets = JanoPresets.For(geometry.Height, geometry.Width).ToDictionary(p => p.Key, p => p.Value);
        var defaultPreset = options.DefaultJanoPreset ?? JanoPresets.Reference;
        if (!presets.ContainsKey(defaultPreset))
            throw new ExportException($"default Jano preset '{defaultPreset}' is not one of the package's presets ({string.Join(", ", presets.Keys)})");
        var graphs = new PixArtStageGraphs(config, weights, geometry, compute);
        // diffusers' base size is the config's grid; another input size interpolates the table from it.
        var positions = SinCosPositions2D.Table(config.HiddenSize, geometry.GridHeight, geometry.GridWidth, config.SampleSize / config.PatchSize, config.InterpolationScale);

        StageGraph Save(string file, StageSignature signature, Func<Onnx.Proto.ModelProto> build) => package.SaveStage(file, signature, build, log);

        var embed = Save("embed.onnx", PixArtStages.Embed, graphs.Embed);
        var cond = Save("cond.onnx", PixArtStages.CondFor(config.UseAdditionalConditions), graphs.Cond);
        var context = Save("context.onnx", PixArtStages.Context(config.NumLayers), graphs.Context);
        var blocks = new List<BlockStages>();
        for (var i = 0; i < config.NumLayers; i++)
        {
            var layer = i;
            blocks.Add(new BlockStages
            {
                Kind = BlockKind.Cross,
                Pre = Save($"block_{i:D2}.pre.onnx", PixArtStages.Pre, () => graphs.Pre(layer)),
                Post = Save($"block_{i:D2}.post.onnx", PixArtStages.Post, () => graphs.Post(layer)),
            });
        }
        var final = Save("final.onnx", PixArtStages.Final, graphs.Final);
        var attention = Save("attention.onnx", StageRoles.AttentionGraph, graphs.Attention);
        var model = options.WholeGraph ? Save("model.onnx", PixArtStages.ModelFor(config.UseAdditionalConditions), () => graphs.Model(positions)) : null;
        var positionsTable = package.SaveImageRowTable(PixArtStages.PositionsTable, "positions.safetensors", positions, geometry.Tokens, config.HiddenSize);

        var component = new TransformerComponent
        {
            Family = PixArtStages.Family,
            DType = options.DType,
            Geometry = geometry,
            Dims = new ModelDims
            {
                HiddenSize = config.HiddenSize,
                Depth = config.NumLayers,
                Heads = config.NumHeads,
                HeadDim = config.HeadDim,
                MlpHidden = config.MlpHidden,
                CaptionChannels = config.CaptionChannels,
                ModulationSize = 6 * config.HiddenSize,
            },
            Stages = new TransformerStages
            {
                Embed = embed, Cond = cond, Context = context, Blocks = blocks, Final = final, Attention = attention, Model = model,
            },
            Tables = [positionsTable],
            Positions = new PositionGenerator(PositionGenerator.SinCos2D, config.SampleSize / config.PatchSize, config.InterpolationScale),
            MicroConditions = config.UseAdditionalConditions ? new MicroConditions(options.VaeScaleFactor ?? 1) : null,
        };
        return new TransformerExport(component, presets, defaultPreset);
    }

    /// <summary>
    /// Writes the manifest of every component written into the folder, moves the package into place
    /// and checks it as `jano verify` does (hashes checked at export: what landed is what the manifest records).
    /// </summary>
    public static ModelManifest Complete(PackageFolder package, string output, TransformerExport transformer, IReadOnlyList<TextEncoderComponent> encoders,
        DecoderComponent decoder, SchedulerComponent scheduler, ExportOptions options)
    {
        var guidanceMode = transformer.Component.Guidance;
        if (guidanceMode == TransformerComponent.NoGuidance && options.DefaultGuidance is { } given)
            throw new ExportException($"--guidance {given}: this transformer takes no guidance (a FLUX.1-schnell-like model without guidance_embeds); use --true-cfg for classifier-free guidance");
        if (options.DefaultTrueCfg is { } trueCfg && transformer.Component.GuidanceIsCfg)
            throw new ExportException($"--true-cfg {trueCfg}: only for FLUX packages, whose --guidance is not classifier-free; this package's --guidance is");
        if (options.DefaultTrueCfg is { } cfg && (!double.IsFinite(cfg) || cfg < 1))
            throw new ExportException($"--true-cfg {cfg}: must be a finite number ≥ 1 (1: one branch)");
        var manifest = new ModelManifest
        {
            Name = options.Name ?? Path.GetFileName(Path.GetFullPath(output).TrimEnd(Path.DirectorySeparatorChar)),
            Components = new ModelComponents
            {
                Transformer = transformer.Component,
                TextEncoders = [.. encoders],
                Decoder = decoder,
                Scheduler = scheduler,
            },
            Defaults = new GenerationDefaults
            {
                Steps = options.DefaultSteps ?? DefaultSteps(scheduler),
                // FluxPipeline's guidance_scale default is 3.5 (embedded); a model without guidance gets 0 (unused).
                Guidance = options.DefaultGuidance ?? guidanceMode switch
                {
                    TransformerComponent.EmbeddedGuidance => 3.5,
                    TransformerComponent.NoGuidance => 0,
                    _ => 4.5,
                },
                TrueCfg = options.DefaultTrueCfg,
            },
            JanoPresets = transformer.Presets,
            DefaultJanoPreset = transformer.DefaultPreset,
            Files = package.Describe(),
        };
        AtomicFile.WriteAllText(package.File(ModelManifest.FileName), manifest.ToJson());
        package.Commit();
        ModelPackage.Verify(output);
        options.Log?.Invoke($"wrote {output}");
        return manifest;
    }

    /// <summary>The step count diffusers' pipelines default to for the scheduler: 50 for DDIM and Euler (and our DDIM sampler), 20 otherwise (PixArt with DPM-Solver, flow).</summary>
    private static int DefaultSteps(SchedulerComponent scheduler) => scheduler.Config is null
        ? (scheduler.Sampler?.Kind == SamplerSettings.Ddim ? 50 : 20)
        : (scheduler.ClassName is Jano.Core.Schedulers.DdimConfig.Name or Jano.Core.Schedulers.EulerDiscreteConfig.Name ? 50 : 20);
}
