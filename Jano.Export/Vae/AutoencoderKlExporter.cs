using Jano.Core.Packages;
using Jano.Export.Checkpoints;
using Jano.Export.Onnx;

namespace Jano.Export.Vae;

/// <summary>
/// Turns a diffusers AutoencoderKL folder (config.json + safetensors, as in a pipeline's vae/) into
/// the decoder graph of a package and the <see cref="DecoderComponent"/> that describes it.
/// The graph is vae.decode alone: whoever runs it divides the transformer's latents by
/// <see cref="DecoderComponent.ScalingFactor"/> and adds <see cref="DecoderComponent.ShiftFactor"/>
/// first (the runtime's AutoencoderKlDecoder does), so the manifest holds the only copy of the two numbers
/// and the graph can be compared with diffusers' decode directly.
/// </summary>
public static class AutoencoderKlExporter
{
    /// <summary>Writes the graph to <paramref name="outputFile"/> (and "&lt;file&gt;.data" when the weights pass 1 GiB).</summary>
    /// <returns>The component, its graph named by the output's file name (the package folder is the graph's folder).</returns>
    public static DecoderComponent Export(string vaeFolder, string outputFile, DecoderExportOptions? options = null)
    {
        options ??= new DecoderExportOptions();
        var folder = VaeFolder(vaeFolder);
        var configPath = Path.Combine(folder, "config.json");
        var config = AutoencoderKlConfig.Load(configPath);
        var compute = options.DType switch
        {
            "float32" => OnnxElementType.Float,
            "float16" => OnnxElementType.Float16,
            _ => throw new ExportException($"dtype '{options.DType}' is not supported (float32 or float16)"),
        };
        if (compute == OnnxElementType.Float16 && config.ForceUpcast)
            throw new ExportException(
                $"{configPath}: field 'force_upcast' is true: diffusers decodes this VAE in float32 because it overflows in float16; " +
                "export it as float32, or use a VAE made for float16 (force_upcast false)");

        var weights = LoadWeights(config, folder, configPath, options.Checks ?? new WeightChecks { Float16 = compute == OnnxElementType.Float16, Log = options.Log });
        options.Log?.Invoke($"writing {outputFile}");
        var directory = Path.GetDirectoryName(Path.GetFullPath(outputFile));
        if (directory is not null) Directory.CreateDirectory(directory);
        OnnxModelWriter.Save(AutoencoderKlDecoderGraph.Build(config, weights, compute), outputFile);
        return new DecoderComponent
        {
            Kind = DecoderComponent.AutoencoderKl,
            Graph = Path.GetFileName(outputFile),
            ScalingFactor = config.ScalingFactor,
            ShiftFactor = config.ShiftFactor ?? 0,
        };
    }

    /// <summary>
    /// Reads the decoder's tensors; any other tensor that is not the encoder's means the config and the
    /// weights disagree (e.g. use_post_quant_conv false beside a post_quant_conv in the file, or fewer
    /// layers_per_block than the file has) and fails naming examples.
    /// </summary>
    public static AutoencoderKlWeights LoadWeights(AutoencoderKlConfig config, string folder, string configPath, WeightChecks? checks = null)
    {
        using var checkpoint = CheckpointWeights.Open(folder, checks);
        var weights = AutoencoderKlWeights.Load(config, (key, shape) => checkpoint.GetFloat32(key, shape), checkpoint.Contains);
        var unused = checkpoint.UnusedKeys().Where(k => !AutoencoderKlWeights.IsEncoderKey(k)).Order(StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
            throw new ExportException(
                $"{checkpoint.SourcePath}: config/weight mismatch: {unused.Count} decoder tensor(s) are not used by the architecture in {configPath} " +
                $"(e.g. '{string.Join("', '", unused.Take(3))}'); check layers_per_block, block_out_channels, use_post_quant_conv and mid_block_add_attention");
        return weights;
    }

    /// <summary>Either the VAE folder itself or a pipeline root holding vae/.</summary>
    public static string VaeFolder(string path)
    {
        if (!Directory.Exists(path)) throw new ExportException($"{path}: VAE folder not found");
        if (File.Exists(Path.Combine(path, "config.json"))) return path;
        var nested = Path.Combine(path, "vae");
        if (File.Exists(Path.Combine(nested, "config.json"))) return nested;
        throw new ExportException($"{path}: no config.json (looked in the folder and in its vae/ subfolder)");
    }
}
