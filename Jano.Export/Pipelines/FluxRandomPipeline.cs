using System.Text.Json;
using System.Text.Json.Nodes;
using Jano.Core.IO;
using Jano.Export.Encoders.Clip;
using Jano.Export.Encoders.T5;
using Jano.Export.Flux;
using Jano.Export.Vae;

namespace Jano.Export.Pipelines;

/// <summary>
/// A tiny random FluxPipeline folder in diffusers' layout (model_index.json, transformer/, text_encoder/ +
/// tokenizer/ (CLIP-L: CLIPTextModel, its pooler_output the pooled vector), text_encoder_2/ + tokenizer_2/
/// (T5), vae/ (16 latent channels, FLUX.1's scaling 0.3611 and shift 0.1159, no quant convs), scheduler/),
/// for tests and demos of `jano export --pipeline`. <c>flux-dev</c>: guidance_embeds and FLUX.1-dev's
/// scheduler config (dynamic shifting, shift 3); <c>flux-schnell</c>: no guidance embedder, FLUX.1-schnell's
/// (shift 1, no dynamic shifting). A transformer config file (FluxTransformer2DModel fields) may be merged
/// over the tiny one to size the transformer (scaling studies): the text encoders stay tiny but follow
/// joint_attention_dim (T5's d_model) and pooled_projection_dim (CLIP's width), the VAE in_channels / 4.
/// </summary>
public static class FluxRandomPipeline
{
    public const string DevName = "flux-dev";
    public const string SchnellName = "flux-schnell";
    public static readonly IReadOnlyList<string> Names = [DevName, SchnellName];
    private const int T5Pieces = 300;

    /// <summary>The tiny transformer's config: also the fields a transformer config file may set.</summary>
    public static JsonObject TinyTransformerConfig(bool dev) => new()
    {
        ["_class_name"] = FluxConfig.ClassName, ["patch_size"] = 1, ["in_channels"] = 64, ["out_channels"] = 64,
        ["num_layers"] = 1, ["num_single_layers"] = 2, ["attention_head_dim"] = 16, ["num_attention_heads"] = 2,
        ["joint_attention_dim"] = 32, ["pooled_projection_dim"] = 16, ["guidance_embeds"] = dev, ["axes_dims_rope"] = new JsonArray(4, 6, 6),
    };

    /// <summary>black-forest-labs/FLUX.1-dev and -schnell scheduler_config.json fields beyond diffusers' defaults.</summary>
    public static JsonObject SchedulerConfig(bool dev) => new()
    {
        ["_class_name"] = "FlowMatchEulerDiscreteScheduler", ["num_train_timesteps"] = 1000, ["shift"] = dev ? 3.0 : 1.0,
        ["use_dynamic_shifting"] = dev, ["base_shift"] = 0.5, ["max_shift"] = 1.15, ["base_image_seq_len"] = 256, ["max_image_seq_len"] = 4096,
    };

    public static void Write(string kind, string outputFolder, int seed, string? transformerConfig = null)
    {
        var dev = kind switch
        {
            DevName => true,
            SchnellName => false,
            _ => throw new ExportException($"--pipeline '{kind}' is not one this command writes ({string.Join(", ", Names)})"),
        };
        // Everything checked before the output folder exists: a bad config leaves nothing behind.
        var transformer = transformerConfig is null ? TinyTransformerConfig(dev)
            : Sd3RandomPipeline.MergeOverrides(transformerConfig, TinyTransformerConfig(dev), FluxConfig.ClassName, "FLUX").Merged;
        var source = transformerConfig ?? "the tiny FLUX transformer config";
        var config = FluxConfig.Parse(transformer, source);
        if (File.Exists(outputFolder)) throw new ExportException($"{outputFolder}: the output path is a file, not a folder");
        if (Directory.Exists(outputFolder) && Directory.EnumerateFileSystemEntries(outputFolder).Any())
            throw new ExportException($"{outputFolder}: the output folder exists and is not empty; choose a new one");
        Directory.CreateDirectory(outputFolder);

        WriteTransformer(transformer, config, Path.Combine(outputFolder, "transformer"), seed);
        var ids = JsonNode.Parse(Sd3RandomPipeline.ReadResource("vocab.json"))!.AsObject();
        int Id(string token) => ids[token]!.GetValue<int>();
        var clip = new ClipTextConfig
        {
            VocabSize = ids.Select(p => p.Value!.GetValue<int>()).Max() + 1, HiddenSize = config.PooledProjectionDim, IntermediateSize = 2 * config.PooledProjectionDim,
            NumLayers = 2, NumHeads = 2, MaxPositions = 77, Activation = ClipActivation.QuickGelu, LayerNormEps = 1e-5f, ProjectionDim = 0, WithProjection = false,
            BosTokenId = Id("<|startoftext|>"), EosTokenId = Id("<|endoftext|>"), PadTokenId = Id("<|endoftext|>"),
        };
        ClipRandomCheckpoint.Write(clip, Path.Combine(outputFolder, "text_encoder"), seed + 1);
        foreach (var file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json" })
            Sd3RandomPipeline.CopyResource($"Jano.Export.tiny-clip.{file}", Path.Combine(outputFolder, "tokenizer", file));
        T5RandomCheckpoint.Write(T5RandomCheckpoint.ConfigJson(dModel: config.JointAttentionDim, vocab: T5Pieces), Path.Combine(outputFolder, "text_encoder_2"), seed + 2);
        Sd3RandomPipeline.CopyResource("Jano.Export.tiny-t5-spiece.model", Path.Combine(outputFolder, "tokenizer_2", T5Exporter.SentencePieceFile));
        AutoencoderKlRandomCheckpoint.Write(AutoencoderKlRandomCheckpoint.Config([8, 8, 16, 16], layersPerBlock: 1, latentChannels: config.LatentChannels, groups: 4,
            scaling: 0.3611, shift: 0.1159, postQuantConv: false), Path.Combine(outputFolder, "vae"), seed + 3);
        Sd3RandomPipeline.Json(Path.Combine(outputFolder, "scheduler", "scheduler_config.json"), SchedulerConfig(dev));
        Sd3RandomPipeline.Json(Path.Combine(outputFolder, PipelineIndex.FileName), new JsonObject
        {
            ["_class_name"] = FluxPipelineExporter.ClassName,
            ["scheduler"] = new JsonArray("diffusers", "FlowMatchEulerDiscreteScheduler"),
            ["text_encoder"] = new JsonArray("transformers", ClipTextConfig.TextModel),
            ["text_encoder_2"] = new JsonArray("transformers", "T5EncoderModel"),
            ["tokenizer"] = new JsonArray("transformers", "CLIPTokenizer"),
            ["tokenizer_2"] = new JsonArray("transformers", "T5TokenizerFast"),
            ["transformer"] = new JsonArray("diffusers", FluxConfig.ClassName),
            ["vae"] = new JsonArray("diffusers", "AutoencoderKL"),
        });
    }

    /// <summary>Random FLUX transformer weights: every tensor the exporter's loader asks for (<see cref="Sd3RandomPipeline.RandomTensor"/>).</summary>
    private static void WriteTransformer(JsonObject configJson, FluxConfig config, string folder, int seed)
    {
        var random = new Random(seed);
        var tensors = new List<SafetensorsTensor>();
        FluxWeights.Load(config, (key, shape) =>
        {
            var data = Sd3RandomPipeline.RandomTensor(key, shape, random);
            tensors.Add(SafetensorsTensor.FromFloat32(key, shape, data));
            return data;
        });
        Directory.CreateDirectory(folder);
        SafetensorsWriter.Write(Path.Combine(folder, "diffusion_pytorch_model.safetensors"), tensors);
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), configJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
