using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jano.Core.IO;

namespace Jano.Export.Encoders.T5;

/// <summary>
/// Random-weight T5 / umT5 encoders in transformers' layout (config.json + model.safetensors), for tests
/// and for timings at shapes no one here has weights for. The init is T5's own (Mesh TensorFlow's):
/// q ~ N(0, 1/(d_model·d_kv)) (the 1/√d_kv T5 does not apply to the scores lives here), k, v, wi ~
/// N(0, 1/d_model), o ~ N(0, 1/inner), wo ~ N(0, 1/d_ff), embedding ~ N(0, 1), with two deviations so a
/// test sees each parameter: RMS-norm weights are 1 + N(0, 0.2²) rather than ones, and the relative
/// bias is N(0, 1) rather than N(0, 1/d_model), large enough that a wrong bucket changes the output.
/// Each tensor's values depend only on the seed and its key, so <see cref="Lookup"/> (no file) and
/// <see cref="Write(JsonObject, string, int)"/> give the same weights.
/// </summary>
public static class T5RandomCheckpoint
{
    public const string WeightsFile = "model.safetensors";

    /// <summary>
    /// A T5EncoderModel config.json as transformers writes it. Defaults: the tiny test shape (d_model 32,
    /// d_kv 8, 4 heads, d_ff 64, 2 layers, 32 buckets, max distance 20, vocabulary 100, gated-gelu).
    /// </summary>
    public static JsonObject ConfigJson(int dModel = 32, int dKv = 8, int heads = 4, int dFf = 64, int layers = 2, int buckets = 32,
        int maxDistance = 20, int vocab = 100, string feedForward = "gated-gelu", bool umt5 = false)
    {
        var gated = feedForward.StartsWith("gated-", StringComparison.Ordinal);
        var act = feedForward == "gated-gelu" ? "gelu_new" : feedForward.Split('-')[^1];
        return new JsonObject
        {
            ["architectures"] = new JsonArray(umt5 ? "UMT5EncoderModel" : "T5EncoderModel"),
            ["classifier_dropout"] = 0.0,
            ["d_ff"] = dFf,
            ["d_kv"] = dKv,
            ["d_model"] = dModel,
            ["decoder_start_token_id"] = 0,
            ["dense_act_fn"] = act,
            ["dropout_rate"] = 0.1,
            ["eos_token_id"] = 1,
            ["feed_forward_proj"] = feedForward,
            ["initializer_factor"] = 1.0,
            ["is_encoder_decoder"] = true,
            ["is_gated_act"] = gated,
            ["layer_norm_epsilon"] = 1e-6,
            ["model_type"] = umt5 ? "umt5" : "t5",
            ["num_decoder_layers"] = layers,
            ["num_heads"] = heads,
            ["num_layers"] = layers,
            ["pad_token_id"] = 0,
            ["relative_attention_max_distance"] = maxDistance,
            ["relative_attention_num_buckets"] = buckets,
            ["tie_word_embeddings"] = false,
            ["torch_dtype"] = "float32",
            ["use_cache"] = true,
            ["vocab_size"] = vocab,
        };
    }

    /// <summary>PixArt-α's text encoder (t5-v1_1-xxl) with <paramref name="layers"/> of its 24 layers.</summary>
    public static JsonObject PixArtAlphaConfigJson(int layers = 24) =>
        ConfigJson(dModel: 4096, dKv: 64, heads: 64, dFf: 10240, layers: layers, buckets: 32, maxDistance: 128, vocab: 32128);

    /// <summary>Writes config.json and model.safetensors into <paramref name="outputFolder"/>; returns the parsed config.</summary>
    public static T5Config Write(JsonObject configJson, string outputFolder, int seed)
    {
        Directory.CreateDirectory(outputFolder);
        var configPath = Path.Combine(outputFolder, "config.json");
        AtomicFile.WriteAllText(configPath, configJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var config = T5Config.Parse(configJson, configPath);
        var lookup = Lookup(config, seed);
        var tensors = T5Weights.ExpectedTensors(config).Select(t => SafetensorsTensor.FromFloat32(t.Key, t.Shape, lookup(t.Key, t.Shape)));
        SafetensorsWriter.Write(Path.Combine(outputFolder, WeightsFile), tensors,
            new Dictionary<string, string> { ["format"] = "pt", ["jano_seed"] = seed.ToString(CultureInfo.InvariantCulture) });
        return config;
    }

    /// <summary>The random weights as a lookup, without a file (timings at T5-XXL width).</summary>
    public static T5Weights.TensorLookup Lookup(T5Config config, int seed) => (key, shape) =>
    {
        long count = 1;
        foreach (var d in shape) count *= d;
        var data = new float[count];
        var (mean, std) = Distribution(config, key);
        var random = new Random(unchecked(seed * 31 + StableHash(key)));
        for (long i = 0; i < count; i += 2)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var r = Math.Sqrt(-2 * Math.Log(u1)) * std;
            data[i] = (float)(mean + r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < count) data[i + 1] = (float)(mean + r * Math.Sin(2 * Math.PI * u2));
        }
        return data;
    };

    private static (double Mean, double Std) Distribution(T5Config c, string key)
    {
        if (key.EndsWith("layer_norm.weight", StringComparison.Ordinal)) return (1, 0.2);
        if (key.EndsWith("relative_attention_bias.weight", StringComparison.Ordinal)) return (0, 1);
        if (key is T5Weights.SharedEmbedding or T5Weights.EncoderEmbedding) return (0, 1);
        if (key.EndsWith(".SelfAttention.q.weight", StringComparison.Ordinal)) return (0, 1 / Math.Sqrt((double)c.DModel * c.DKv));
        if (key.EndsWith(".SelfAttention.o.weight", StringComparison.Ordinal)) return (0, 1 / Math.Sqrt(c.InnerDim));
        if (key.EndsWith(".wo.weight", StringComparison.Ordinal)) return (0, 1 / Math.Sqrt(c.DFf));
        return (0, 1 / Math.Sqrt(c.DModel)); // k, v, wi, wi_0, wi_1
    }

    /// <summary>FNV-1a over the key: string.GetHashCode differs from run to run.</summary>
    private static int StableHash(string key)
    {
        var h = 2166136261u;
        foreach (var ch in key) h = (h ^ ch) * 16777619u;
        return (int)h;
    }
}
