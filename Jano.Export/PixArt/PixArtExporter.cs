using Jano.Export.Checkpoints;
using Jano.Export.Onnx;
using Jano.Runtime.IO;
using Jano.Runtime.Packages;
using Jano.Runtime.Scheduling;

namespace Jano.Export.PixArt;

/// <summary>Turns a diffusers-layout PixArt checkpoint into a Jano model package.</summary>
public static class PixArtExporter
{
    public static ModelManifest Export(string checkpoint, string output, ExportOptions? options = null)
    {
        options ??= new ExportOptions();
        var log = options.Log;
        var folder = TransformerFolder(checkpoint);
        var configPath = Path.Combine(folder, "config.json");
        var config = PixArtConfig.Load(configPath);

        PixArtWeights weights;
        using (var checkpointWeights = CheckpointWeights.Open(folder))
        {
            weights = PixArtWeights.Load(config, (key, shape) => checkpointWeights.GetFloat32(key, shape));
            var unused = checkpointWeights.UnusedKeys().Order(StringComparer.Ordinal).ToList();
            if (unused.Count > 0)
                throw new ExportException(
                    $"{checkpointWeights.SourcePath}: config/weight mismatch: {unused.Count} tensor(s) are not used by the architecture in {configPath} " +
                    $"(e.g. '{string.Join("', '", unused.Take(3))}'); check num_layers and the other config fields");
        }

        var sampler = SchedulerConfigReader.Resolve(folder, options, config.OutChannels == 2 * config.InChannels, log);
        return Write(config, weights, sampler, output, options);
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

    public static ModelManifest Write(PixArtConfig config, PixArtWeights weights, SamplerSettings sampler, string output, ExportOptions options)
    {
        var log = options.Log;
        var compute = options.DType switch
        {
            "float32" => Onnx.OnnxElementType.Float,
            "float16" => Onnx.OnnxElementType.Float16,
            _ => throw new ExportException($"dtype '{options.DType}' is not supported (float32 or float16)"),
        };
        var presets = JanoPresets.For(config.SampleSize).ToDictionary(p => p.Key, p => p.Value);
        var defaultPreset = options.DefaultJanoPreset ?? JanoPresets.Reference;
        if (!presets.ContainsKey(defaultPreset))
            throw new ExportException($"default Jano preset '{defaultPreset}' is not one of the package's presets ({string.Join(", ", presets.Keys)})");
        var graphs = new PixArtStageGraphs(config, weights, compute);
        var positions = PixArtPositions.Table(config.HiddenSize, config.GridSize, config.SampleSize / config.PatchSize, config.InterpolationScale);

        using var package = new PackageFolder(output);
        void Save(string file, Func<Onnx.Proto.ModelProto> build)
        {
            log?.Invoke($"writing {file}");
            OnnxModelWriter.Save(build(), package.File(file));
        }

        Save("embed.onnx", graphs.Embed);
        Save("cond.onnx", graphs.Cond);
        Save("context.onnx", graphs.Context);
        var blocks = new List<BlockFiles>();
        for (var i = 0; i < config.NumLayers; i++)
        {
            var layer = i;
            var files = new BlockFiles($"block_{i:D2}.pre.onnx", $"block_{i:D2}.post.onnx");
            Save(files.Pre, () => graphs.Pre(layer));
            Save(files.Post, () => graphs.Post(layer));
            blocks.Add(files);
        }
        Save("final.onnx", graphs.Final);
        Save("attention.onnx", graphs.Attention);
        Save("model.onnx", () => graphs.Model(positions));
        SafetensorsWriter.Write(package.File("positions.safetensors"),
            [SafetensorsTensor.FromFloat32("pos_embed", [config.Tokens, config.HiddenSize], positions)]);

        var manifest = new ModelManifest
        {
            Family = "pixart",
            DType = options.DType,
            Name = options.Name ?? Path.GetFileName(Path.GetFullPath(output).TrimEnd(Path.DirectorySeparatorChar)),
            Dims = new ModelDims
            {
                HiddenSize = config.HiddenSize,
                Depth = config.NumLayers,
                Heads = config.NumHeads,
                HeadDim = config.HeadDim,
                MlpHidden = config.MlpHidden,
                PatchSize = config.PatchSize,
                InChannels = config.InChannels,
                OutChannels = config.OutChannels,
                SampleSize = config.SampleSize,
                CaptionChannels = config.CaptionChannels,
                ModulationSize = 6 * config.HiddenSize,
            },
            TextEncoder = new TextEncoderSettings { HiddenSize = config.CaptionChannels },
            Sampler = sampler,
            Defaults = new GenerationDefaults
            {
                Steps = options.DefaultSteps ?? (sampler.Kind == SamplerSettings.Ddim ? 50 : 20),
                Guidance = options.DefaultGuidance ?? 4.5,
            },
            Stages = new StageFiles
            {
                Embed = "embed.onnx",
                Cond = "cond.onnx",
                Context = "context.onnx",
                Blocks = blocks,
                Final = "final.onnx",
                Attention = "attention.onnx",
                Model = "model.onnx",
                Positions = "positions.safetensors",
            },
            JanoPresets = presets,
            DefaultJanoPreset = defaultPreset,
            Files = package.Describe(),
        };
        AtomicFile.WriteAllText(package.File(ModelManifest.FileName), manifest.ToJson());
        package.Commit();
        log?.Invoke($"wrote {output}");
        return manifest;
    }
}
