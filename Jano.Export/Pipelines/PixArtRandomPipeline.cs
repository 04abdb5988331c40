using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jano.Core.IO;
using Jano.Export.Encoders.T5;
using Jano.Export.PixArt;
using Jano.Export.Vae;

namespace Jano.Export.Pipelines;

/// <summary>
/// A tiny random PixArt-α or PixArt-Σ pipeline folder in diffusers' layout (model_index.json,
/// transformer/, text_encoder/ (T5), tokenizer/ (spiece.model), vae/ (a four-level AutoencoderKL, 8
/// pixels per latent pixel as SD's), scheduler/ (DPM-Solver++ as PixArt ships it)), for tests and demos
/// of `jano export --pipeline`: the shapes of the real pipelines at tiny widths. α has micro-conditions
/// (as PixArt-α 1024), Σ does not and takes 300-token captions. The tokenizer is a small SentencePiece
/// unigram model trained with T5's conventions by tools/golden/t5_tokenizer.py.
/// </summary>
public static class PixArtRandomPipeline
{
    public const string AlphaName = "pixart-alpha";
    public const string SigmaName = "pixart-sigma";
    private const string TokenizerResource = "Jano.Export.tiny-t5-spiece.model";
    private const int TextWidth = 32, TokenizerPieces = 300;

    public static void Write(string kind, string outputFolder, int seed)
    {
        var sigma = kind switch
        {
            AlphaName => false,
            SigmaName => true,
            _ => throw new ExportException($"--pipeline '{kind}' is not one this command writes ({AlphaName}, {SigmaName})"),
        };
        if (File.Exists(outputFolder)) throw new ExportException($"{outputFolder}: the output path is a file, not a folder");
        if (Directory.Exists(outputFolder) && Directory.EnumerateFileSystemEntries(outputFolder).Any())
            throw new ExportException($"{outputFolder}: the output folder exists and is not empty; choose a new one");
        Directory.CreateDirectory(outputFolder);

        var transformer = new JsonObject
        {
            ["_class_name"] = PixArtConfig.ClassName, ["sample_size"] = 8, ["patch_size"] = 2, ["in_channels"] = 4, ["out_channels"] = 8,
            ["num_layers"] = 2, ["num_attention_heads"] = 3, ["attention_head_dim"] = 8, ["cross_attention_dim"] = 24,
            ["caption_channels"] = TextWidth, ["norm_type"] = "ada_norm_single", ["norm_elementwise_affine"] = false, ["norm_eps"] = 1e-6,
            ["attention_bias"] = true, ["activation_fn"] = "gelu-approximate", ["use_additional_conditions"] = !sigma,
        };
        var transformerFolder = Path.Combine(outputFolder, "transformer");
        PixArtRandomCheckpoint.Write(PixArtConfig.Parse(transformer, Path.Combine(transformerFolder, "config.json")), transformer, transformerFolder, seed);
        T5RandomCheckpoint.Write(T5RandomCheckpoint.ConfigJson(dModel: TextWidth, vocab: TokenizerPieces), Path.Combine(outputFolder, "text_encoder"), seed + 1);
        var tokenizer = Path.Combine(outputFolder, "tokenizer");
        Directory.CreateDirectory(tokenizer);
        using (var source = Assembly.GetExecutingAssembly().GetManifestResourceStream(TokenizerResource)
                   ?? throw new InvalidOperationException($"resource {TokenizerResource} is missing from {typeof(PixArtRandomPipeline).Assembly.GetName().Name}"))
        using (var target = File.Create(Path.Combine(tokenizer, T5Exporter.SentencePieceFile)))
            source.CopyTo(target);
        AutoencoderKlRandomCheckpoint.Write(AutoencoderKlRandomCheckpoint.Config([8, 8, 16, 16], layersPerBlock: 1, latentChannels: 4, groups: 4),
            Path.Combine(outputFolder, "vae"), seed + 2);
        Json(Path.Combine(outputFolder, "scheduler", "scheduler_config.json"), new JsonObject
        {
            ["_class_name"] = "DPMSolverMultistepScheduler", ["algorithm_type"] = "dpmsolver++", ["solver_order"] = 2, ["solver_type"] = "midpoint",
            ["lower_order_final"] = true, ["beta_schedule"] = "linear", ["beta_start"] = 0.0001, ["beta_end"] = 0.02, ["num_train_timesteps"] = 1000,
            ["prediction_type"] = "epsilon", ["timestep_spacing"] = "linspace", ["steps_offset"] = 0, ["use_karras_sigmas"] = false,
            ["euler_at_final"] = false, ["final_sigmas_type"] = "zero", ["thresholding"] = false, ["variance_type"] = null,
        });
        Json(Path.Combine(outputFolder, PipelineIndex.FileName), new JsonObject
        {
            ["_class_name"] = sigma ? PixArtPipelineExporter.Sigma : PixArtPipelineExporter.Alpha,
            ["scheduler"] = new JsonArray("diffusers", "DPMSolverMultistepScheduler"),
            ["text_encoder"] = new JsonArray("transformers", "T5EncoderModel"),
            ["tokenizer"] = new JsonArray("transformers", "T5Tokenizer"),
            ["transformer"] = new JsonArray("diffusers", PixArtConfig.ClassName),
            ["vae"] = new JsonArray("diffusers", "AutoencoderKL"),
        });
    }

    private static void Json(string path, JsonObject value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, value.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
