using Jano.Export.Checkpoints;
using Jano.Core.Packages;
using Jano.Export.Encoders.Clip;
using Jano.Export.Encoders.T5;
using Jano.Export.PixArt;
using Jano.Export.Sd3;
using Jano.Export.Vae;

namespace Jano.Export.Pipelines;

/// <summary>
/// A diffusers StableDiffusion3Pipeline folder → one package: the SD3 transformer's stages for
/// 77 + T caption rows, CLIP-L and CLIP-G (graphs and tokenizer files, penultimate states), T5 when the
/// pipeline has text_encoder_3 (T = <see cref="ExportOptions.MaxSequenceLength"/>, by default 256, diffusers'
/// max_sequence_length default; without T5, T = 77 zero
/// rows as diffusers makes them), the 16-channel AutoencoderKL decoder and the FlowMatch scheduler
/// config. A folder whose text components are all null in model_index.json (saved with
/// text_encoder=None, tokenizer=None, … as diffusers allows) gives a package without text encoders,
/// whose generations take their conditioning as states (GenerationRequest.PromptStates, with the pooled
/// vector): its caption length is <see cref="ExportOptions.TextTokens"/>, by default 77 + 256 = 333 rows,
/// what diffusers' encode_prompt makes with T5 at its max_sequence_length default. Components are checked against each other before anything is written; a failure leaves no
/// package behind.
/// </summary>
public static class Sd3PipelineExporter
{
    public const string ClassName = "StableDiffusion3Pipeline";
    /// <summary>diffusers' tokenizer_max_length (CLIP) and max_sequence_length default (T5).</summary>
    public const int ClipTokens = 77, T5Tokens = 256;
    /// <summary>diffusers' StableDiffusion3Pipeline refuses a longer max_sequence_length.</summary>
    public const int MaxT5Tokens = 512;

    public static ModelManifest Export(string root, string output, ExportOptions? options = null)
    {
        options ??= new ExportOptions();
        options.Validate();
        var index = PipelineIndex.Load(root);
        if (index.ClassName != ClassName)
            throw new ExportException($"{index.Path}: field '_class_name' is '{index.ClassName}'; this exporter knows: {ClassName}");
        index.Require("transformer", Sd3Config.ClassName);
        index.Require("vae", "AutoencoderKL");
        index.Require("scheduler", "FlowMatchEulerDiscreteScheduler");
        var textComponents = new[] { "text_encoder", "tokenizer", "text_encoder_2", "tokenizer_2", "text_encoder_3", "tokenizer_3" };
        var hasText = textComponents.Any(c => index.ClassOf(c) is not null);
        if (options.MaxSequenceLength is { } t5Length && index.ClassOf("text_encoder_3") is null)
            throw new ExportException(hasText
                ? $"{index.Path}: field 'text_encoder_3' is null: without T5 the caption is {ClipTokens} + {ClipTokens} rows, so the T5 length (--max-sequence-length {t5Length}) does not apply"
                : $"{index.Path}: no text encoders: give the caption length with --text-tokens, not the T5 length (--max-sequence-length {t5Length})");
        if (options.MaxSequenceLength is < 1 or > MaxT5Tokens)
            throw new ExportException($"the T5 length (--max-sequence-length) must be between 1 and {MaxT5Tokens} (diffusers refuses more), got {options.MaxSequenceLength}");
        if (!hasText)
            return ExportWithoutText(index, output, options);
        if (options.TextTokens is not null)
            throw new ExportException($"{index.Path}: the caption length (--text-tokens) is only for a pipeline without text encoders; with CLIP it is {ClipTokens} + {T5Tokens} (with T5) or {ClipTokens} + {ClipTokens}");
        index.Require("text_encoder", ClipTextConfig.TextModelWithProjection);
        index.Require("text_encoder_2", ClipTextConfig.TextModelWithProjection);
        index.Require("tokenizer", "CLIPTokenizer", "CLIPTokenizerFast");
        index.Require("tokenizer_2", "CLIPTokenizer", "CLIPTokenizerFast");
        var hasT5 = index.ClassOf("text_encoder_3") is not null;
        if (hasT5)
        {
            index.Require("text_encoder_3", "T5EncoderModel");
            index.Require("tokenizer_3", "T5Tokenizer", "T5TokenizerFast");
        }

        // Everything checked before the package folder exists: a failure leaves nothing behind.
        var transformerFolder = index.FolderOf("transformer");
        var transformerConfig = Path.Combine(transformerFolder, "config.json");
        // The configs against each other first, so a mismatch is named by field rather than by a weight's shape.
        var config = Sd3Config.Load(transformerConfig);
        var clipL = ClipConfig(index, "text_encoder");
        var clipG = ClipConfig(index, "text_encoder_2");
        // encode_prompt: CLIP-L ⊕ CLIP-G states zero-padded to the T5 width (joint_attention_dim), T5 appended
        // along tokens; pooled = text_embeds(L) ⊕ text_embeds(G).
        if (clipL.HiddenSize + clipG.HiddenSize > config.JointAttentionDim)
            throw new ExportException($"{transformerConfig}: field 'joint_attention_dim' is {config.JointAttentionDim}, less than the CLIP widths {clipL.HiddenSize} + {clipG.HiddenSize} (text_encoder, text_encoder_2: 'hidden_size') it pads to");
        if (clipL.ProjectionDim + clipG.ProjectionDim != config.PooledProjectionDim)
            throw new ExportException($"{transformerConfig}: field 'pooled_projection_dim' is {config.PooledProjectionDim}, but the CLIP projections give {clipL.ProjectionDim} + {clipG.ProjectionDim} (text_encoder, text_encoder_2: 'projection_dim')");
        if (hasT5)
        {
            var t5Path = Path.Combine(index.FolderOf("text_encoder_3"), "config.json");
            var t5 = T5Config.Load(t5Path);
            if (t5.DModel != config.JointAttentionDim)
                throw new ExportException($"{transformerConfig}: field 'joint_attention_dim' is {config.JointAttentionDim}, but text_encoder_3's 'd_model' is {t5.DModel} ({t5Path}); the T5 states join the padded CLIP states along tokens, so the widths must be equal");
        }
        var t5Tokens = options.MaxSequenceLength ?? T5Tokens;
        var textTokens = ClipTokens + (hasT5 ? t5Tokens : ClipTokens);
        Sd3Exporter.GeometryFor(config, textTokens, options); // --size before any weight is read
        var vaeConfigPath = Path.Combine(index.FolderOf("vae"), "config.json");
        var vae = AutoencoderKlConfig.Load(vaeConfigPath);
        if (vae.LatentChannels != config.InChannels)
            throw new ExportException($"{vaeConfigPath}: field 'latent_channels' is {vae.LatentChannels}, but the transformer takes {config.InChannels}-channel latents ({transformerConfig}: 'in_channels')");
        var scheduler = SchedulerConfigReader.Resolve(transformerFolder, options, learnedSigma: false, options.Log);
        var (_, weights) = Sd3Exporter.Load(transformerFolder, WeightChecks.Of(options));

        using var package = new PackageFolder(output);
        var transformer = Sd3Exporter.WriteTransformer(config, weights, textTokens, package, options);
        var compute = T5Exporter.ComputeType(options.DType);
        var encoders = new List<TextEncoderComponent>
        {
            WriteClip(index, "text_encoder", "tokenizer", package, compute, options),
            WriteClip(index, "text_encoder_2", "tokenizer_2", package, compute, options),
        };
        if (hasT5)
            encoders.Add(T5Exporter.Export(index.FolderOf("text_encoder_3"), package.WorkPath, new T5ExportOptions
            {
                DType = options.DType, MaxTokens = t5Tokens, Log = options.Log, Name = "text_encoder_3", FilePrefix = "text_encoder_3", Checks = WeightChecks.Of(options),
                SentencePiece = Path.Combine(index.FolderOf("tokenizer_3"), T5Exporter.SentencePieceFile),
            }));
        var decoder = AutoencoderKlExporter.Export(index.FolderOf("vae"), package.File("vae_decoder.onnx"),
            new DecoderExportOptions { DType = options.DType, Log = options.Log, Checks = WeightChecks.Of(options) });
        return PixArtExporter.Complete(package, output, transformer, encoders, decoder, scheduler, options);
    }

    /// <summary>Transformer, VAE decoder and scheduler only: no text encoders, captions of
    /// <see cref="ExportOptions.TextTokens"/> rows (default <see cref="ClipTokens"/> + <see cref="T5Tokens"/>).</summary>
    private static ModelManifest ExportWithoutText(PipelineIndex index, string output, ExportOptions options)
    {
        var textTokens = options.TextTokens ?? ClipTokens + T5Tokens;
        if (textTokens <= 0) throw new ExportException($"the caption length (--text-tokens) must be positive, found {textTokens}");
        var transformerFolder = index.FolderOf("transformer");
        var transformerConfig = Path.Combine(transformerFolder, "config.json");
        var (config, weights) = Sd3Exporter.Load(transformerFolder, WeightChecks.Of(options));
        var vaeConfigPath = Path.Combine(index.FolderOf("vae"), "config.json");
        var vae = AutoencoderKlConfig.Load(vaeConfigPath);
        if (vae.LatentChannels != config.InChannels)
            throw new ExportException($"{vaeConfigPath}: field 'latent_channels' is {vae.LatentChannels}, but the transformer takes {config.InChannels}-channel latents ({transformerConfig}: 'in_channels')");
        var scheduler = SchedulerConfigReader.Resolve(transformerFolder, options, learnedSigma: false, options.Log);
        options.Log?.Invoke($"{index.Path}: no text encoders (all text components null): the package takes conditioning as states, {textTokens} caption rows");

        using var package = new PackageFolder(output);
        var transformer = Sd3Exporter.WriteTransformer(config, weights, textTokens, package, options);
        var decoder = AutoencoderKlExporter.Export(index.FolderOf("vae"), package.File("vae_decoder.onnx"),
            new DecoderExportOptions { DType = options.DType, Log = options.Log, Checks = WeightChecks.Of(options) });
        return PixArtExporter.Complete(package, output, transformer, [], decoder, scheduler, options);
    }

    private static ClipTextConfig ClipConfig(PipelineIndex index, string component)
    {
        var path = Path.Combine(index.FolderOf(component), "config.json");
        if (!File.Exists(path)) throw new ExportException($"{index.FolderOf(component)}: no config.json (a transformers CLIP text encoder folder is expected)");
        var config = ClipTextConfig.Load(path);
        if (!config.WithProjection || config.ProjectionDim <= 0)
            throw new ExportException($"{path}: field 'architectures' must be {ClipTextConfig.TextModelWithProjection} with a positive 'projection_dim' (SD3 pools text_embeds)");
        return config;
    }

    /// <summary>A CLIP text encoder's graph and tokenizer files into the package; SD3 takes its penultimate states and text_embeds.</summary>
    internal static TextEncoderComponent WriteClip(PipelineIndex index, string component, string tokenizer, PackageFolder package, Onnx.OnnxElementType compute, ExportOptions options,
        List<string>? outputs = null, string? states = TextEncoderComponent.PenultimateStates)
    {
        options.Log?.Invoke($"writing {component}.onnx");
        var export = ClipTextExporter.Export(index.FolderOf(component), package.File($"{component}.onnx"), compute, WeightChecks.Of(options));
        var files = new List<string>();
        foreach (var name in new[] { "vocab.json", "merges.txt", "tokenizer_config.json" })
        {
            var source = Path.Combine(index.FolderOf(tokenizer), name);
            if (!File.Exists(source))
            {
                if (name == "tokenizer_config.json") continue; // optional: CLIP's defaults
                throw new ExportException($"{index.FolderOf(tokenizer)}: no {name} (a CLIP tokenizer folder has vocab.json and merges.txt)");
            }
            var target = $"{tokenizer}/{name}";
            Directory.CreateDirectory(Path.GetDirectoryName(package.File(target))!);
            File.Copy(source, package.File(target), overwrite: true);
            files.Add(target);
        }
        return new TextEncoderComponent
        {
            Kind = TextEncoderComponent.Clip, Name = component, HiddenSize = export.Config.HiddenSize, MaxTokens = ClipTokens,
            Outputs = outputs ?? ["states", "pooled"], Graph = $"{component}.onnx", Tokenizer = files, States = states,
        };
    }
}
