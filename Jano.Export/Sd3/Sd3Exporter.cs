using Jano.Export.Checkpoints;
using Jano.Export.Onnx;

namespace Jano.Export.Sd3;

/// <summary>
/// Turns a diffusers-layout SD3 transformer checkpoint into graphs. For now the whole graph only
/// (model.onnx); the stage graphs and the package manifest come with the token-engine wiring.
/// </summary>
public static class Sd3Exporter
{
    /// <summary>Config and weights of a transformer folder; every checkpoint tensor must be used.</summary>
    public static (Sd3Config Config, Sd3Weights Weights) Load(string folder)
    {
        var configPath = Path.Combine(folder, "config.json");
        var config = Sd3Config.Load(configPath);
        using var checkpoint = CheckpointWeights.Open(folder);
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
}
