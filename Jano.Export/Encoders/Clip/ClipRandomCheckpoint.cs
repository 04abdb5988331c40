using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jano.Core.IO;

namespace Jano.Export.Encoders.Clip;

/// <summary>
/// Writes a random-weight CLIP text encoder in transformers' layout (config.json + model.safetensors)
/// for a config: for tests, and for `jano init-random` pipelines at shapes no one here has weights for.
/// Linear weights are N(0, 1/in) so activations keep unit scale through depth and attention is not
/// uniform; embeddings N(0, 1) (positions N(0, 0.25)), norms 1 + 0.1·N / 0.1·N, biases 0.02·N, so every
/// parameter changes the outputs (what an equivalence test needs).
/// </summary>
public static class ClipRandomCheckpoint
{
    public const string WeightsFile = "model.safetensors";

    public static void Write(string configPath, string outputFolder, int seed)
    {
        var root = ConfigReader.LoadObject(configPath);
        Write(ClipTextConfig.Parse(root, configPath), root, outputFolder, seed);
    }

    /// <summary>A config.json for the given shape, in transformers' CLIPTextConfig fields.</summary>
    public static JsonObject ConfigJson(ClipTextConfig c) => new()
    {
        ["architectures"] = new JsonArray(c.WithProjection ? ClipTextConfig.TextModelWithProjection : ClipTextConfig.TextModel),
        ["model_type"] = "clip_text_model",
        ["vocab_size"] = c.VocabSize,
        ["hidden_size"] = c.HiddenSize,
        ["intermediate_size"] = c.IntermediateSize,
        ["num_hidden_layers"] = c.NumLayers,
        ["num_attention_heads"] = c.NumHeads,
        ["max_position_embeddings"] = c.MaxPositions,
        ["hidden_act"] = c.Activation == ClipActivation.QuickGelu ? "quick_gelu" : "gelu",
        // The float's shortest text as a double (1e-5f would otherwise print as 9.99999974737875E-06).
        ["layer_norm_eps"] = double.Parse(c.LayerNormEps.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        ["projection_dim"] = c.ProjectionDim,
        ["bos_token_id"] = c.BosTokenId,
        ["eos_token_id"] = c.EosTokenId,
        ["pad_token_id"] = c.PadTokenId,
        ["torch_dtype"] = "float32",
    };

    public static void Write(ClipTextConfig config, string outputFolder, int seed) => Write(config, ConfigJson(config), outputFolder, seed);

    public static void Write(ClipTextConfig config, JsonObject configJson, string outputFolder, int seed)
    {
        Directory.CreateDirectory(outputFolder);
        var random = new Random(seed);
        var tensors = new List<SafetensorsTensor>();
        foreach (var (key, shape) in ClipTextWeights.ExpectedTensors(config))
        {
            long count = shape.Aggregate(1L, (a, b) => a * b);
            var data = new float[count];
            var isNorm = key.Contains("layer_norm", StringComparison.Ordinal);
            if (isNorm && key.EndsWith(".weight", StringComparison.Ordinal)) Fill(random, data, 0.1, 1.0);
            else if (isNorm) Fill(random, data, 0.1);
            else if (key.EndsWith(".bias", StringComparison.Ordinal)) Fill(random, data, 0.02);
            else if (key.EndsWith("token_embedding.weight", StringComparison.Ordinal)) Fill(random, data, 1.0);
            else if (key.EndsWith("position_embedding.weight", StringComparison.Ordinal)) Fill(random, data, 0.5);
            else Fill(random, data, 1.0 / Math.Sqrt(shape[1])); // [out, in] weights: fan-in
            tensors.Add(SafetensorsTensor.FromFloat32(key, shape, data));
        }
        SafetensorsWriter.Write(Path.Combine(outputFolder, WeightsFile), tensors,
            new Dictionary<string, string> { ["format"] = "pt", ["jano_seed"] = seed.ToString(CultureInfo.InvariantCulture) });
        AtomicFile.WriteAllText(Path.Combine(outputFolder, "config.json"),
            configJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Seeded Box–Muller normals (System.Random(seed) is stable across runs and platforms), times std, plus mean.</summary>
    private static void Fill(Random random, float[] data, double std, double mean = 0)
    {
        for (var i = 0; i < data.Length; i += 2)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var r = Math.Sqrt(-2 * Math.Log(u1)) * std;
            data[i] = (float)(mean + r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < data.Length) data[i + 1] = (float)(mean + r * Math.Sin(2 * Math.PI * u2));
        }
    }
}
