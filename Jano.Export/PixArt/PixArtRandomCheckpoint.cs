using System.Text.Json;
using System.Text.Json.Nodes;
using Jano.Core.IO;

namespace Jano.Export.PixArt;

/// <summary>
/// Writes a random-weight checkpoint in diffusers layout (config.json + diffusion_pytorch_model.safetensors)
/// for a PixArt config: for tests, and for benchmarks at shapes no one here has weights for.
/// Linear weights are N(0, 1/in) so activations keep unit scale through depth (outputs are then
/// non-trivial functions of every input, which is what an equivalence test needs); tables follow
/// PixArt's own init (randn / √D).
/// </summary>
public static class PixArtRandomCheckpoint
{
    public const string WeightsFile = "diffusion_pytorch_model.safetensors";

    public static void Write(string configPath, string outputFolder, int seed)
    {
        var config = PixArtConfig.Load(configPath);
        var root = ConfigReader.LoadObject(configPath); // the same strict read PixArtConfig.Load just passed
        Write(config, root, outputFolder, seed);
    }

    public static void Write(PixArtConfig config, JsonObject configJson, string outputFolder, int seed)
    {
        Directory.CreateDirectory(outputFolder);
        var random = new NormalRandom(seed);
        var tensors = new List<SafetensorsTensor>();
        foreach (var (key, shape) in PixArtWeights.ExpectedTensors(config))
        {
            long count = 1;
            foreach (var d in shape) count *= d;
            var data = new float[count];
            double std = key.EndsWith(".bias", StringComparison.Ordinal) ? 0.02
                : key.EndsWith("scale_shift_table", StringComparison.Ordinal) ? 1.0 / Math.Sqrt(config.HiddenSize)
                : 1.0 / Math.Sqrt(count / shape[0]); // fan-in of a linear or conv weight
            random.Fill(data, std);
            tensors.Add(SafetensorsTensor.FromFloat32(key, shape, data));
        }
        SafetensorsWriter.Write(Path.Combine(outputFolder, WeightsFile), tensors,
            new Dictionary<string, string> { ["format"] = "pt", ["jano_seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        AtomicFile.WriteAllText(Path.Combine(outputFolder, "config.json"),
            configJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Seeded Box–Muller normals; System.Random(seed) is stable across runs and platforms.</summary>
    private sealed class NormalRandom(int seed)
    {
        private readonly Random _random = new(seed);

        public void Fill(float[] data, double std)
        {
            for (var i = 0; i < data.Length; i += 2)
            {
                var u1 = 1.0 - _random.NextDouble();
                var u2 = _random.NextDouble();
                var r = Math.Sqrt(-2 * Math.Log(u1)) * std;
                data[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
                if (i + 1 < data.Length) data[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
            }
        }
    }
}
