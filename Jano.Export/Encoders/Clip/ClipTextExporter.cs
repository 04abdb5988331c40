using Jano.Export.Checkpoints;
using Jano.Export.Onnx;

namespace Jano.Export.Encoders.Clip;

/// <summary>What <see cref="ClipTextExporter.Export"/> wrote.</summary>
public sealed record ClipTextExport(ClipTextConfig Config, IReadOnlyList<string> Files, long Parameters);

/// <summary>
/// Turns a transformers text_encoder folder (config.json + model.safetensors, or a sharded set) into the
/// CLIP text encoder graph (<see cref="ClipTextGraph"/>). Every tensor of the file must be used: one left
/// over means config and checkpoint disagree (more layers in the file than in config.json, a projection
/// the architecture does not name).
/// </summary>
public static class ClipTextExporter
{
    public static ClipTextExport Export(string textEncoderFolder, string onnxPath, OnnxElementType compute = OnnxElementType.Float, WeightChecks? checks = null)
    {
        var (config, weights) = Load(textEncoderFolder, checks ?? new WeightChecks { Float16 = compute == OnnxElementType.Float16 });
        var model = new ClipTextGraph(config, weights, compute).Build();
        var parameters = ClipTextWeights.ExpectedTensors(config).Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));
        var directory = Path.GetDirectoryName(Path.GetFullPath(onnxPath));
        if (directory is not null) Directory.CreateDirectory(directory);
        return new ClipTextExport(config, OnnxModelWriter.Save(model, onnxPath), parameters);
    }

    public static (ClipTextConfig Config, ClipTextWeights Weights) Load(string textEncoderFolder, WeightChecks? checks = null)
    {
        var configPath = Path.Combine(textEncoderFolder, "config.json");
        if (!File.Exists(configPath))
            throw new ExportException($"{textEncoderFolder}: no config.json (a transformers text_encoder folder is expected)");
        var config = ClipTextConfig.Load(configPath);
        using var checkpoint = CheckpointWeights.Open(textEncoderFolder, checks);
        var weights = ClipTextWeights.Load(config, (key, shape) => checkpoint.GetFloat32(key, shape));
        var unused = checkpoint.UnusedKeys().Where(k => k != ClipTextWeights.PositionIdsKey).Order(StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
            throw new ExportException(
                $"{checkpoint.SourcePath}: config/weight mismatch: {unused.Count} tensor(s) are not used by the architecture in {configPath} " +
                $"(e.g. '{string.Join("', '", unused.Take(3))}'); check num_hidden_layers and architectures");
        return (config, weights);
    }
}
