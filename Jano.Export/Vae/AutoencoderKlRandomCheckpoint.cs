using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jano.Core.IO;

namespace Jano.Export.Vae;

/// <summary>
/// Writes a random-weight AutoencoderKL in diffusers layout (config.json + diffusion_pytorch_model.safetensors)
/// for tests and benchmarks. Only the decoder's tensors are drawn, plus a stub of two encoder tensors so
/// the folder looks like a real VAE (whose encoder the exporter must skip). Conv and linear weights are
/// N(0, 1/fan_in), so activations keep unit scale; group-norm affines are 1 + N(0, 0.1) and N(0, 0.1), so
/// they are not the identity a wrong channel order could hide behind.
/// </summary>
public static class AutoencoderKlRandomCheckpoint
{
    public const string WeightsFile = "diffusion_pytorch_model.safetensors";

    public static void Write(JsonObject configJson, string outputFolder, int seed)
    {
        var config = AutoencoderKlConfig.Parse(configJson, Path.Combine(outputFolder, "config.json"));
        Directory.CreateDirectory(outputFolder);
        var random = new Random(seed);
        var tensors = new List<SafetensorsTensor>
        {
            // Encoder stub: present in every real VAE file, never read by the decoder exporter.
            SafetensorsTensor.FromFloat32("encoder.conv_in.weight", [8, 3, 3, 3], Normal(random, 8 * 27, 0.1)),
            SafetensorsTensor.FromFloat32("quant_conv.weight", [2 * config.LatentChannels, 2 * config.LatentChannels, 1, 1],
                Normal(random, 4 * config.LatentChannels * config.LatentChannels, 0.1)),
        };
        foreach (var (key, shape) in AutoencoderKlWeights.ExpectedTensors(config))
        {
            long count = 1;
            foreach (var d in shape) count *= d;
            var isNorm = key.Contains("norm", StringComparison.Ordinal);
            float[] data;
            if (isNorm && key.EndsWith(".weight", StringComparison.Ordinal))
            {
                data = Normal(random, count, 0.1);
                for (var i = 0; i < data.Length; i++) data[i] += 1f;
            }
            else if (isNorm) data = Normal(random, count, 0.1);
            else if (key.EndsWith(".bias", StringComparison.Ordinal)) data = Normal(random, count, 0.02);
            else data = Normal(random, count, 1.0 / Math.Sqrt(count / shape[0])); // fan-in of a conv or linear weight
            tensors.Add(SafetensorsTensor.FromFloat32(key, shape, data));
        }
        SafetensorsWriter.Write(Path.Combine(outputFolder, WeightsFile), tensors,
            new Dictionary<string, string> { ["format"] = "pt", ["jano_seed"] = seed.ToString(CultureInfo.InvariantCulture) });
        AtomicFile.WriteAllText(Path.Combine(outputFolder, "config.json"), configJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>An AutoencoderKL config.json object with the given widths (other fields at diffusers' defaults).</summary>
    public static JsonObject Config(int[] blockOutChannels, int layersPerBlock, int latentChannels = 4, int groups = 32,
        double scaling = 0.18215, double? shift = null, bool postQuantConv = true, bool midAttention = true, bool forceUpcast = true, int sampleSize = 512)
    {
        var blocks = new JsonArray();
        var up = new JsonArray();
        var down = new JsonArray();
        foreach (var b in blockOutChannels)
        {
            blocks.Add(b);
            up.Add(AutoencoderKlConfig.UpBlockType);
            down.Add("DownEncoderBlock2D");
        }
        return new JsonObject
        {
            ["_class_name"] = AutoencoderKlConfig.ClassName,
            ["act_fn"] = "silu",
            ["block_out_channels"] = blocks,
            ["down_block_types"] = down,
            ["up_block_types"] = up,
            ["force_upcast"] = forceUpcast,
            ["in_channels"] = 3,
            ["out_channels"] = 3,
            ["latent_channels"] = latentChannels,
            ["layers_per_block"] = layersPerBlock,
            ["norm_num_groups"] = groups,
            ["sample_size"] = sampleSize,
            ["scaling_factor"] = scaling,
            ["shift_factor"] = shift,
            ["use_post_quant_conv"] = postQuantConv,
            ["use_quant_conv"] = postQuantConv,
            ["mid_block_add_attention"] = midAttention,
        };
    }

    /// <summary>Seeded Box–Muller normals; System.Random(seed) is stable across runs and platforms.</summary>
    private static float[] Normal(Random random, long count, double std)
    {
        var data = new float[count];
        for (long i = 0; i < count; i += 2)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var r = Math.Sqrt(-2 * Math.Log(u1)) * std;
            data[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < count) data[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
        }
        return data;
    }
}
