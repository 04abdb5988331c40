using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jano.Core.IO;
using Jano.Export.Encoders.Clip;
using Jano.Export.Encoders.T5;
using Jano.Export.Sd3;
using Jano.Export.Vae;

namespace Jano.Export.Pipelines;

/// <summary>
/// A tiny random StableDiffusion3Pipeline folder in diffusers' layout (model_index.json, transformer/,
/// text_encoder/ + tokenizer/ (CLIP-L), text_encoder_2/ + tokenizer_2/ (CLIP-G), text_encoder_3/ +
/// tokenizer_3/ (T5), vae/ (16 latent channels, SD3's scaling and shift, no quant convs), scheduler/
/// (FlowMatch, shift 3)), for tests and demos of `jano export --pipeline`: SD3's wiring at tiny widths
/// (joint width = CLIP-L + CLIP-G widths = T5's d_model; pooled = the two projections). The CLIP
/// tokenizers are the committed reduced vocabulary, the T5 one the tiny SentencePiece model.
/// <c>sd35</c> is the same pipeline with an SD3.5-medium-shaped transformer: qk_norm rms_norm and the
/// MMDiT-X second, image-only attention in the first layers (0 and 1 of 3; SD3.5 medium: 0 to 12 of 24).
/// A transformer config file (fields of SD3Transformer2DModel's config.json) may be merged over the
/// tiny one to size the transformer (scaling studies): the text encoders stay tiny, since they run once
/// per prompt, but follow the joint width (T5 d_model = joint_attention_dim) and the pooled width (the
/// two CLIP projections add up to pooled_projection_dim), and the VAE follows in_channels.
/// </summary>
public static class Sd3RandomPipeline
{
    public const string Name = "sd3";
    public const string Sd35Name = "sd35";
    public static readonly IReadOnlyList<string> Names = [Name, Sd35Name];
    private const int ClipLWidth = 16, ClipGWidth = 24, JointWidth = ClipLWidth + ClipGWidth, ProjectionL = 8, ProjectionG = 12, T5Pieces = 300;

    /// <summary>The tiny transformer's config (SD3, or SD3.5-medium-shaped): also the fields a transformer config file may set.</summary>
    public static JsonObject TinyTransformerConfig(bool sd35 = false) => new()
    {
        ["_class_name"] = Sd3Config.ClassName, ["sample_size"] = 8, ["patch_size"] = 2, ["in_channels"] = 16, ["out_channels"] = 16,
        ["num_layers"] = sd35 ? 3 : 2, ["num_attention_heads"] = 2, ["attention_head_dim"] = 8, ["joint_attention_dim"] = JointWidth,
        ["caption_projection_dim"] = 16, ["pooled_projection_dim"] = ProjectionL + ProjectionG, ["pos_embed_max_size"] = 16,
        ["dual_attention_layers"] = sd35 ? new JsonArray(0, 1) : new JsonArray(), ["qk_norm"] = sd35 ? "rms_norm" : null,
    };

    /// <param name="kind"><see cref="Name"/> or <see cref="Sd35Name"/>: the tiny transformer config.</param>
    /// <param name="transformerConfig">A JSON file of SD3Transformer2DModel config fields merged over
    /// <see cref="TinyTransformerConfig"/>, or null for the tiny transformer.</param>
    public static void Write(string kind, string outputFolder, int seed, string? transformerConfig = null)
    {
        var sd35 = kind switch
        {
            Name => false,
            Sd35Name => true,
            _ => throw new ExportException($"--pipeline '{kind}' is not one this command writes ({string.Join(", ", Names)})"),
        };
        // Everything checked before the output folder exists: a bad config leaves nothing behind.
        var transformer = transformerConfig is null ? TinyTransformerConfig(sd35) : Merged(transformerConfig, sd35);
        var source = transformerConfig ?? "the tiny SD3 transformer config";
        var config = Sd3Config.Parse(transformer, source);
        if (config.JointAttentionDim < JointWidth)
            throw new ExportException($"{source}: field 'joint_attention_dim' is {config.JointAttentionDim}; the random pipeline needs at least {JointWidth} (its CLIP-L {ClipLWidth} and CLIP-G {ClipGWidth} states sit side by side in it)");
        if (config.PooledProjectionDim < 2)
            throw new ExportException($"{source}: field 'pooled_projection_dim' is {config.PooledProjectionDim}; the random pipeline needs at least 2 (one projection width each for CLIP-L and CLIP-G)");
        if (config.OutChannels != config.InChannels)
            throw new ExportException($"{source}: field 'out_channels' is {config.OutChannels}; the random pipeline's VAE decodes what the transformer takes, so it must equal 'in_channels' ({config.InChannels})");
        if (File.Exists(outputFolder)) throw new ExportException($"{outputFolder}: the output path is a file, not a folder");
        if (Directory.Exists(outputFolder) && Directory.EnumerateFileSystemEntries(outputFolder).Any())
            throw new ExportException($"{outputFolder}: the output folder exists and is not empty; choose a new one");
        Directory.CreateDirectory(outputFolder);

        WriteTransformer(transformer, Path.Combine(outputFolder, "transformer"), seed);
        // The two CLIP projections share the pooled width as the tiny ones do (8 : 12), so the tiny pipeline keeps its weights.
        int joint = config.JointAttentionDim, projectionL = Math.Max(1, config.PooledProjectionDim * ProjectionL / (ProjectionL + ProjectionG)), projectionG = config.PooledProjectionDim - projectionL;
        var vocab = ReadResource("vocab.json");
        var ids = JsonNode.Parse(vocab)!.AsObject();
        int Id(string token) => ids[token]!.GetValue<int>();
        ClipTextConfig Clip(int width, int projection) => new()
        {
            // The reduced vocabulary keeps CLIP's own ids (up to 49407): the embedding spans them.
            VocabSize = ids.Select(p => p.Value!.GetValue<int>()).Max() + 1, HiddenSize = width, IntermediateSize = 2 * width, NumLayers = 2, NumHeads = 2, MaxPositions = 77,
            Activation = ClipActivation.Gelu, LayerNormEps = 1e-5f, ProjectionDim = projection, WithProjection = true,
            BosTokenId = Id("<|startoftext|>"), EosTokenId = Id("<|endoftext|>"), PadTokenId = Id("<|endoftext|>"),
        };
        ClipRandomCheckpoint.Write(Clip(ClipLWidth, projectionL), Path.Combine(outputFolder, "text_encoder"), seed + 1);
        ClipRandomCheckpoint.Write(Clip(ClipGWidth, projectionG), Path.Combine(outputFolder, "text_encoder_2"), seed + 2);
        foreach (var tokenizer in new[] { "tokenizer", "tokenizer_2" })
            foreach (var file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json" })
                CopyResource($"Jano.Export.tiny-clip.{file}", Path.Combine(outputFolder, tokenizer, file));
        T5RandomCheckpoint.Write(T5RandomCheckpoint.ConfigJson(dModel: joint, vocab: T5Pieces), Path.Combine(outputFolder, "text_encoder_3"), seed + 3);
        CopyResource("Jano.Export.tiny-t5-spiece.model", Path.Combine(outputFolder, "tokenizer_3", T5Exporter.SentencePieceFile));
        AutoencoderKlRandomCheckpoint.Write(AutoencoderKlRandomCheckpoint.Config([8, 8, 16, 16], layersPerBlock: 1, latentChannels: config.InChannels, groups: 4,
            scaling: 1.5305, shift: 0.0609, postQuantConv: false), Path.Combine(outputFolder, "vae"), seed + 4);
        Json(Path.Combine(outputFolder, "scheduler", "scheduler_config.json"), new JsonObject
        {
            ["_class_name"] = "FlowMatchEulerDiscreteScheduler", ["num_train_timesteps"] = 1000, ["shift"] = 3.0,
        });
        Json(Path.Combine(outputFolder, PipelineIndex.FileName), new JsonObject
        {
            ["_class_name"] = Sd3PipelineExporter.ClassName,
            ["scheduler"] = new JsonArray("diffusers", "FlowMatchEulerDiscreteScheduler"),
            ["text_encoder"] = new JsonArray("transformers", ClipTextConfig.TextModelWithProjection),
            ["text_encoder_2"] = new JsonArray("transformers", ClipTextConfig.TextModelWithProjection),
            ["text_encoder_3"] = new JsonArray("transformers", "T5EncoderModel"),
            ["tokenizer"] = new JsonArray("transformers", "CLIPTokenizer"),
            ["tokenizer_2"] = new JsonArray("transformers", "CLIPTokenizer"),
            ["tokenizer_3"] = new JsonArray("transformers", "T5TokenizerFast"),
            ["transformer"] = new JsonArray("diffusers", Sd3Config.ClassName),
            ["vae"] = new JsonArray("diffusers", "AutoencoderKL"),
        });
    }

    /// <summary>
    /// The tiny config with the file's fields over it. Only fields the tiny config has may be set (a
    /// misspelt one would otherwise be ignored silently); caption_projection_dim follows the width
    /// (heads × head dim) unless the file sets it.
    /// </summary>
    private static JsonObject Merged(string path, bool sd35)
    {
        var (merged, overrides) = MergeOverrides(path, TinyTransformerConfig(sd35), "SD3Transformer2DModel", "SD3");
        // Non-integers are left for the config reader to name.
        if (!overrides.ContainsKey("caption_projection_dim") && merged["num_attention_heads"] is JsonValue h && h.TryGetValue<int>(out var heads)
            && merged["attention_head_dim"] is JsonValue hd && hd.TryGetValue<int>(out var headDim))
            merged["caption_projection_dim"] = heads * headDim;
        return merged;
    }

    /// <summary>A config file's fields over a tiny config; only fields the tiny config has may be set (a misspelt one would otherwise be ignored silently).</summary>
    internal static (JsonObject Merged, JsonObject Overrides) MergeOverrides(string path, JsonObject tiny, string className, string family)
    {
        if (!File.Exists(path)) throw new ExportException($"{path}: transformer config file not found");
        JsonObject overrides;
        try
        {
            overrides = JsonInput.ParseNode(File.ReadAllText(path)) as JsonObject
                ?? throw new ExportException($"{path}: a transformer config must be a JSON object of {className} fields");
        }
        catch (JsonException e)
        {
            throw new ExportException($"{path}: invalid JSON: {JsonInput.OneLine(e)}", e);
        }
        foreach (var (key, value) in overrides)
        {
            if (!tiny.ContainsKey(key))
                throw new ExportException($"{path}: field '{key}' is not one the random {family} transformer sets (allowed: {string.Join(", ", tiny.Select(p => p.Key))})");
            tiny[key] = value?.DeepClone();
        }
        return (tiny, overrides);
    }

    /// <summary>
    /// Random SD3 transformer weights: the tensors the exporter's loader asks for, each N(0, 1/fan_in)
    /// (1-D: 0.02·N around 0, norm scales around 1), so activations keep unit scale; the position table
    /// is diffusers' sin-cos one, so the package runs at any size the table covers.
    /// </summary>
    private const string PositionTable = "pos_embed.pos_embed";

    private static void WriteTransformer(JsonObject configJson, string folder, int seed)
    {
        var configPath = Path.Combine(folder, "config.json");
        var config = Sd3Config.Parse(configJson, configPath);
        var random = new Random(seed);
        var tensors = new List<SafetensorsTensor>();
        Sd3Weights.Load(config, (key, shape) =>
        {
            var data = RandomTensor(key, shape, random);
            // The position table is a buffer diffusers computes, not a parameter (drawn above all the same,
            // so the other tensors keep their values).
            if (key == PositionTable) data = Sd3PositionGenerator.Table(config);
            tensors.Add(SafetensorsTensor.FromFloat32(key, shape, data));
            return data;
        });
        Directory.CreateDirectory(folder);
        SafetensorsWriter.Write(Path.Combine(folder, "diffusion_pytorch_model.safetensors"), tensors);
        AtomicFile.WriteAllText(configPath, configJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>A random parameter: N(0, 1/fan_in) for matrices, 0.02·N around 0 for biases and around 1 for 1-D norm scales.</summary>
    internal static float[] RandomTensor(string key, long[] shape, Random random)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var data = new float[count];
        var fanIn = shape.Length > 1 ? shape.Skip(1).Aggregate(1L, (a, b) => a * b) : 0;
        var isScale = shape.Length == 1 && key.EndsWith("weight", StringComparison.Ordinal);
        var std = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0.02;
        for (long i = 0; i < count; i++) data[i] = (float)((isScale ? 1 : 0) + std * Gaussian(random));
        return data;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    internal static string ReadResource(string file)
    {
        using var reader = new StreamReader(Open($"Jano.Export.tiny-clip.{file}"));
        return reader.ReadToEnd();
    }

    private static Stream Open(string resource) => Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
        ?? throw new InvalidOperationException($"resource {resource} is missing from {typeof(Sd3RandomPipeline).Assembly.GetName().Name}");

    internal static void CopyResource(string resource, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var source = Open(resource);
        using var target = File.Create(path);
        source.CopyTo(target);
    }

    internal static void Json(string path, JsonObject value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, value.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
