using Jano.Export.Checkpoints;
using Jano.Core.Packages;
using Jano.Export.Encoders.T5;
using Jano.Export.PixArt;
using Jano.Export.Vae;

namespace Jano.Export.Pipelines;

/// <summary>
/// A diffusers PixArt-α / PixArt-Σ pipeline folder → one package with every component: the
/// transformer's stages, the T5 text encoder's graph and spiece.model (or none, when the pipeline was
/// saved without it: the package then takes its conditioning as states), the AutoencoderKL decoder and
/// the scheduler config verbatim. Components are checked against each other (text width, latent
/// channels) before anything is written; a failure leaves no package behind.
/// </summary>
public static class PixArtPipelineExporter
{
    public const string Alpha = "PixArtAlphaPipeline";
    public const string Sigma = "PixArtSigmaPipeline";

    /// <summary>Caption length of each pipeline (its max_sequence_length default).</summary>
    public static int MaxTokensOf(string pipelineClass) => pipelineClass == Sigma ? 300 : 120;

    public static ModelManifest Export(string root, string output, ExportOptions? options = null)
    {
        options ??= new ExportOptions();
        var index = PipelineIndex.Load(root);
        if (index.ClassName is not (Alpha or Sigma))
            throw new ExportException($"{index.Path}: field '_class_name' is '{index.ClassName}'; this exporter knows: {Alpha}, {Sigma}");
        index.Require("transformer", PixArtConfig.ClassName);
        index.Require("vae", "AutoencoderKL");
        index.Require("scheduler", "DPMSolverMultistepScheduler", "DDIMScheduler", "EulerDiscreteScheduler", "FlowMatchEulerDiscreteScheduler");
        var encoderClass = index.ClassOf("text_encoder");
        if (encoderClass is not (null or "T5EncoderModel" or "UMT5EncoderModel"))
            throw new ExportException($"{index.Path}: field 'text_encoder' is '{encoderClass}'; a PixArt pipeline has a T5EncoderModel");
        if (encoderClass is not null && index.ClassOf("tokenizer") is null)
            throw new ExportException($"{index.Path}: field 'tokenizer' is missing or null, but the T5 text encoder needs its SentencePiece tokenizer");

        // Everything checked before the package folder exists: a failure leaves nothing behind.
        var (config, weights, transformerFolder, resolved) = PixArtExporter.Load(index.FolderOf("transformer"), options);
        var vaeConfigPath = Path.Combine(index.FolderOf("vae"), "config.json");
        var vae = AutoencoderKlConfig.Load(vaeConfigPath);
        if (vae.LatentChannels != config.InChannels)
            throw new ExportException($"{vaeConfigPath}: field 'latent_channels' is {vae.LatentChannels}, but the transformer takes {config.InChannels}-channel latents ({Path.Combine(transformerFolder, "config.json")}: 'in_channels')");
        if (encoderClass is not null)
        {
            var t5ConfigPath = Path.Combine(index.FolderOf("text_encoder"), "config.json");
            var t5 = T5Config.Load(t5ConfigPath);
            if (t5.DModel != config.CaptionChannels)
                throw new ExportException($"{t5ConfigPath}: field 'd_model' is {t5.DModel}, but the transformer takes {config.CaptionChannels}-wide captions ({Path.Combine(transformerFolder, "config.json")}: 'caption_channels')");
        }
        var scheduler = SchedulerConfigReader.Resolve(transformerFolder, resolved, config.OutChannels == 2 * config.InChannels, resolved.Log);

        using var package = new PackageFolder(output);
        var transformer = PixArtExporter.WriteTransformer(config, weights, package, resolved);
        var encoders = new List<TextEncoderComponent>();
        if (encoderClass is not null)
            encoders.Add(T5Exporter.Export(root, package.WorkPath, new T5ExportOptions
            {
                DType = resolved.DType, MaxTokens = MaxTokensOf(index.ClassName), Log = resolved.Log, Name = "text_encoder", Checks = WeightChecks.Of(resolved),
            }) with { Preprocess = TextEncoderComponent.LowerStrip }); // diffusers' PixArt prompt preprocessing (see docs/PACKAGE.md)
        var decoder = AutoencoderKlExporter.Export(index.FolderOf("vae"), package.File("vae_decoder.onnx"),
            new DecoderExportOptions { DType = resolved.DType, Log = resolved.Log, Checks = WeightChecks.Of(resolved) });
        return PixArtExporter.Complete(package, output, transformer, encoders, decoder, scheduler, resolved);
    }
}
