using Jano.Core.IO;
using Jano.Core.Packages;
using Jano.Export.Checkpoints;
using Jano.Export.Onnx;

namespace Jano.Export.Encoders.T5;

/// <summary>How <see cref="T5Exporter"/> writes a T5 text encoder.</summary>
public sealed record T5ExportOptions
{
    /// <summary>"float32" (default) or "float16" (half projections; see <see cref="T5EncoderGraph"/> for what stays float32).</summary>
    public string DType { get; init; } = "float32";
    /// <summary>The pipeline's caption length: 120 for PixArt-α, 300 for PixArt-Σ (the manifest's maxTokens; the graph itself takes any length).</summary>
    public int MaxTokens { get; init; } = 120;
    /// <summary>The manifest's display name; null: the checkpoint folder's name.</summary>
    public string? Name { get; init; }
    /// <summary>File names in the package: PREFIX.onnx (+ PREFIX.onnx.data above 1 GiB of weights) and PREFIX.spiece.model.</summary>
    public string FilePrefix { get; init; } = "text_encoder";

    /// <summary>The tokenizer's spiece.model when it is not beside the weights or in tokenizer/ (SD3's tokenizer_3/).</summary>
    public string? SentencePiece { get; init; }
    public Action<string>? Log { get; init; }
    /// <summary>What the weights are checked for; null: finite values that fit <see cref="DType"/>.</summary>
    public WeightChecks? Checks { get; init; }
}

/// <summary>
/// Writes a transformers T5EncoderModel / UMT5EncoderModel checkpoint (config.json + model.safetensors,
/// single or sharded) as one ONNX graph plus its SentencePiece model into a package folder, and returns
/// the manifest entry that describes them. The caller (the pipeline exporter) adds the entry to the
/// manifest's textEncoders; the files are then part of the folder it hashes.
/// </summary>
public static class T5Exporter
{
    /// <summary>The manifest's text-encoder kind for T5 and umT5 encoders (docs/PACKAGE.md).</summary>
    public const string Kind = "t5";

    /// <summary>The SentencePiece model file of T5 tokenizers (transformers' T5Tokenizer vocab_file).</summary>
    public const string SentencePieceFile = "spiece.model";

    /// <summary>
    /// <paramref name="checkpoint"/> is the encoder's folder or a pipeline root holding text_encoder/; the
    /// tokenizer is looked for in the encoder folder, in a sibling tokenizer/ and in the root's tokenizer/.
    /// </summary>
    public static TextEncoderComponent Export(string checkpoint, string packageFolder, T5ExportOptions? options = null)
    {
        options ??= new T5ExportOptions();
        if (options.MaxTokens < 1) throw new ExportException($"maxTokens {options.MaxTokens}: must be at least 1 (the </s> token)");
        var folder = EncoderFolder(checkpoint);
        var tokenizer = options.SentencePiece ?? FindSentencePiece(checkpoint, folder);
        if (!File.Exists(tokenizer)) throw new ExportException($"{tokenizer}: the T5 tokenizer's {SentencePieceFile} not found");
        SentencePieceModelCheck.Check(tokenizer);
        var configPath = Path.Combine(folder, "config.json");
        var config = T5Config.Load(configPath);
        Directory.CreateDirectory(packageFolder);

        var graphFile = options.FilePrefix + ".onnx";
        var tokenizerFile = options.FilePrefix + "." + SentencePieceFile;
        using (var checkpointWeights = CheckpointWeights.Open(folder, options.Checks ?? new WeightChecks { Float16 = options.DType == "float16", Log = options.Log }))
        {
            var embedding = checkpointWeights.Contains(T5Weights.EncoderEmbedding) ? T5Weights.EncoderEmbedding : T5Weights.SharedEmbedding;
            var weights = new T5Weights(config, (key, shape) => checkpointWeights.GetFloat32(key, shape), embedding);
            options.Log?.Invoke($"writing {graphFile} ({config.NumLayers} layers, d_model {config.DModel}, {options.DType})");
            var model = new T5EncoderGraph(config, weights, ComputeType(options.DType)).Build();
            CheckAllUsed(checkpointWeights, config, embedding, configPath);
            OnnxModelWriter.Save(model, Path.Combine(packageFolder, graphFile));
        }
        File.Copy(tokenizer, Path.Combine(packageFolder, tokenizerFile), overwrite: true);
        options.Log?.Invoke($"copied {tokenizer} to {tokenizerFile}");

        return new TextEncoderComponent
        {
            Kind = Kind,
            Name = options.Name ?? Path.GetFileName(Path.GetFullPath(checkpoint).TrimEnd(Path.DirectorySeparatorChar)),
            HiddenSize = config.DModel,
            MaxTokens = options.MaxTokens,
            Outputs = ["states"],
            Graph = graphFile,
            Tokenizer = [tokenizerFile],
        };
    }

    public static OnnxElementType ComputeType(string dtype) => dtype switch
    {
        "float32" => OnnxElementType.Float,
        "float16" => OnnxElementType.Float16,
        _ => throw new ExportException($"dtype '{dtype}' is not supported (float32 or float16)"),
    };

    /// <summary>The folder with the encoder's config.json: the checkpoint itself or its text_encoder/.</summary>
    public static string EncoderFolder(string checkpoint)
    {
        if (!Directory.Exists(checkpoint))
            throw new ExportException($"{checkpoint}: checkpoint folder not found");
        if (File.Exists(Path.Combine(checkpoint, "config.json"))) return checkpoint;
        var nested = Path.Combine(checkpoint, "text_encoder");
        if (File.Exists(Path.Combine(nested, "config.json"))) return nested;
        throw new ExportException($"{checkpoint}: no config.json (looked in the folder and in its text_encoder/ subfolder)");
    }

    /// <summary>spiece.model beside the weights or in the pipeline's tokenizer/ folder.</summary>
    public static string FindSentencePiece(string checkpoint, string encoderFolder)
    {
        var candidates = new[]
        {
            Path.Combine(encoderFolder, SentencePieceFile),
            Path.Combine(encoderFolder, "..", "tokenizer", SentencePieceFile),
            Path.Combine(checkpoint, "tokenizer", SentencePieceFile),
        }.Select(Path.GetFullPath).Distinct().ToList();
        foreach (var candidate in candidates)
            if (File.Exists(candidate)) return candidate;
        var json = candidates.Select(c => Path.Combine(Path.GetDirectoryName(c)!, "tokenizer.json")).FirstOrDefault(File.Exists);
        if (json is not null)
            throw new ExportException($"{json}: this T5 tokenizer comes as tokenizer.json only; the exporter reads T5's SentencePiece model ({SentencePieceFile}), looked for at {string.Join(", ", candidates)}");
        throw new ExportException($"{checkpoint}: no T5 tokenizer: {SentencePieceFile} not found at {string.Join(", ", candidates)}");
    }

    /// <summary>
    /// Every tensor must be the encoder's, except the tied twin of the embedding that was read and,
    /// in a whole encoder-decoder checkpoint, the decoder and LM head.
    /// </summary>
    private static void CheckAllUsed(CheckpointWeights checkpointWeights, T5Config config, string embedding, string configPath)
    {
        var twin = embedding == T5Weights.EncoderEmbedding ? T5Weights.SharedEmbedding : T5Weights.EncoderEmbedding;
        var unused = checkpointWeights.UnusedKeys()
            .Where(k => k != twin)
            .Where(k => !(config.HasDecoderWeights && (k.StartsWith("decoder.", StringComparison.Ordinal) || k.StartsWith("lm_head.", StringComparison.Ordinal))))
            .Order(StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
            throw new ExportException(
                $"{checkpointWeights.SourcePath}: config/weight mismatch: {unused.Count} tensor(s) are not used by the encoder in {configPath} " +
                $"(e.g. '{string.Join("', '", unused.Take(3))}'); check num_layers, feed_forward_proj and model_type");
        if (checkpointWeights.Contains(twin) && !checkpointWeights.GetShape(twin).SequenceEqual(checkpointWeights.GetShape(embedding)))
            throw new ExportException($"{checkpointWeights.SourcePath}: '{twin}' and '{embedding}' differ in shape; T5 ties them");
    }
}
