using Jano.Core.Packages;
using Jano.Export.Encoders.Clip;
using Jano.Export.Encoders.T5;
using Jano.Export.Flux;
using Jano.Export.PixArt;
using Jano.Export.Vae;

namespace Jano.Export.Pipelines;

/// <summary>
/// A diffusers FluxPipeline folder → one package: the FLUX transformer's stages for T caption rows (T5
/// padded to max_sequence_length: <see cref="ExportOptions.MaxSequenceLength"/>, by default 512 as
/// FluxPipeline's default), CLIP-L (CLIPTextModel: its pooler_output is the pooled vector) and T5
/// (text_encoder_2), the 16-channel AutoencoderKL decoder (scaling and shift factors from its config)
/// and the FlowMatch scheduler config with its dynamic-shifting fields. A folder whose text components
/// are all null gives a package without text encoders (conditioning as states) of
/// <see cref="ExportOptions.TextTokens"/> rows, by default 512. The latent size is --size, else 1024²
/// image pixels through the VAE's factor. Everything is checked before the package folder exists.
/// </summary>
public static class FluxPipelineExporter
{
    public const string ClassName = "FluxPipeline";
    /// <summary>FluxPipeline's max_sequence_length default and the most it accepts.</summary>
    public const int T5Tokens = 512, MaxT5Tokens = 512;
    public const int ClipTokens = 77;
    private const int DefaultImageSize = 1024;

    public static ModelManifest Export(string root, string output, ExportOptions? options = null)
    {
        options ??= new ExportOptions();
        var index = PipelineIndex.Load(root);
        if (index.ClassName != ClassName)
            throw new ExportException($"{index.Path}: field '_class_name' is '{index.ClassName}'; this exporter knows: {ClassName}");
        index.Require("transformer", FluxConfig.ClassName);
        index.Require("vae", "AutoencoderKL");
        index.Require("scheduler", "FlowMatchEulerDiscreteScheduler");
        var hasText = new[] { "text_encoder", "tokenizer", "text_encoder_2", "tokenizer_2" }.Any(c => index.ClassOf(c) is not null);
        if (options.MaxSequenceLength is { } asked && !hasText)
            throw new ExportException($"{index.Path}: no text encoders: give the caption length with --text-tokens, not the T5 length (--max-sequence-length {asked})");
        if (options.MaxSequenceLength is < 1 or > MaxT5Tokens)
            throw new ExportException($"--max-sequence-length {options.MaxSequenceLength}: the T5 length must be between 1 and {MaxT5Tokens} (FluxPipeline refuses more)");
        if (hasText && options.TextTokens is not null)
            throw new ExportException($"{index.Path}: the caption length (--text-tokens) is only for a pipeline without text encoders; with T5 it is --max-sequence-length (default {T5Tokens})");
        if (hasText)
        {
            index.Require("text_encoder", ClipTextConfig.TextModel);
            index.Require("tokenizer", "CLIPTokenizer", "CLIPTokenizerFast");
            index.Require("text_encoder_2", "T5EncoderModel");
            index.Require("tokenizer_2", "T5Tokenizer", "T5TokenizerFast");
        }
        var textTokens = hasText ? options.MaxSequenceLength ?? T5Tokens : options.TextTokens ?? T5Tokens;
        if (textTokens is < 1 or > MaxT5Tokens)
            throw new ExportException($"--text-tokens {textTokens}: a FLUX caption has 1 to {MaxT5Tokens} rows");

        // The configs against each other before a weight is read or anything is written.
        var transformerFolder = index.FolderOf("transformer");
        var transformerConfig = Path.Combine(transformerFolder, "config.json");
        var config = FluxConfig.Load(transformerConfig);
        var vaeConfigPath = Path.Combine(index.FolderOf("vae"), "config.json");
        var vae = AutoencoderKlConfig.Load(vaeConfigPath);
        if (vae.LatentChannels != config.LatentChannels)
            throw new ExportException($"{vaeConfigPath}: field 'latent_channels' is {vae.LatentChannels}, but the transformer takes {config.InChannels} packed channels = 4 × {config.LatentChannels} ({transformerConfig}: 'in_channels')");
        if (options.Size is null)
            options = options with { Size = (DefaultImageSize / vae.UpscaleFactor, DefaultImageSize / vae.UpscaleFactor) };
        FluxExporter.GeometryFor(config, textTokens, options); // --size before any weight is read
        if (hasText)
        {
            var clipPath = Path.Combine(index.FolderOf("text_encoder"), "config.json");
            if (!File.Exists(clipPath)) throw new ExportException($"{index.FolderOf("text_encoder")}: no config.json (a transformers CLIP text encoder folder is expected)");
            var clip = ClipTextConfig.Load(clipPath);
            if (clip.HiddenSize != config.PooledProjectionDim)
                throw new ExportException($"{transformerConfig}: field 'pooled_projection_dim' is {config.PooledProjectionDim}, but CLIP's pooler_output is {clip.HiddenSize} wide ({clipPath}: 'hidden_size')");
            var t5Path = Path.Combine(index.FolderOf("text_encoder_2"), "config.json");
            var t5 = T5Config.Load(t5Path);
            if (t5.DModel != config.JointAttentionDim)
                throw new ExportException($"{transformerConfig}: field 'joint_attention_dim' is {config.JointAttentionDim}, but text_encoder_2's 'd_model' is {t5.DModel} ({t5Path})");
        }
        var scheduler = SchedulerConfigReader.Resolve(transformerFolder, options, learnedSigma: false, options.Log);
        var (_, weights) = FluxExporter.Load(transformerFolder);
        if (!hasText) options.Log?.Invoke($"{index.Path}: no text encoders (all text components null): the package takes conditioning as states, {textTokens} caption rows");

        using var package = new PackageFolder(output);
        var transformer = FluxExporter.WriteTransformer(config, weights, textTokens, package, options);
        var encoders = new List<TextEncoderComponent>();
        if (hasText)
        {
            var compute = T5Exporter.ComputeType(options.DType);
            encoders.Add(Sd3PipelineExporter.WriteClip(index, "text_encoder", "tokenizer", package, compute, options, outputs: ["pooled"], states: null));
            encoders.Add(T5Exporter.Export(index.FolderOf("text_encoder_2"), package.WorkPath, new T5ExportOptions
            {
                DType = options.DType, MaxTokens = textTokens, Log = options.Log, Name = "text_encoder_2", FilePrefix = "text_encoder_2",
                SentencePiece = Path.Combine(index.FolderOf("tokenizer_2"), T5Exporter.SentencePieceFile),
            }));
        }
        var decoder = AutoencoderKlExporter.Export(index.FolderOf("vae"), package.File("vae_decoder.onnx"),
            new DecoderExportOptions { DType = options.DType, Log = options.Log });
        return PixArtExporter.Complete(package, output, transformer, encoders, decoder, scheduler, options);
    }
}
