using System.Text.Json.Nodes;
using Jano.Export.Checkpoints;
using Jano.Export.Encoders.T5;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Tests.Export.T5;

/// <summary>
/// A tiny random T5 (or umT5) encoder checkpoint in a temporary folder with the pipeline layout
/// (text_encoder/ with config.json and model.safetensors, tokenizer/spiece.model from the golden
/// fixture), its reference forward and a way to run exported graphs.
/// </summary>
public sealed class TinyT5 : IDisposable
{
    private readonly TempFolder _folder = new("jano-t5");

    public TinyT5(JsonObject? configJson = null, int seed = 11)
    {
        Root = Path.Combine(_folder.Path, "pipeline");
        ConfigJson = configJson ?? T5RandomCheckpoint.ConfigJson();
        Config = T5RandomCheckpoint.Write(ConfigJson, EncoderFolder, seed);
        Directory.CreateDirectory(Path.Combine(Root, "tokenizer"));
        File.Copy(T5Golden.SentencePieceModel, Path.Combine(Root, "tokenizer", T5Exporter.SentencePieceFile));
        using var weights = CheckpointWeights.Open(EncoderFolder);
        Reference = new T5Reference(Config, new T5Weights(Config, (k, s) => weights.GetFloat32(k, s)));
    }

    public string Root { get; }
    public string EncoderFolder => Path.Combine(Root, "text_encoder");
    public string Package => Path.Combine(_folder.Path, "package");
    public JsonObject ConfigJson { get; }
    public T5Config Config { get; }
    public T5Reference Reference { get; }

    /// <summary>Exports the pipeline's text encoder into <see cref="Package"/>; returns the path of the graph.</summary>
    public string Export(string dtype = "float32")
    {
        var component = T5Exporter.Export(Root, Package, new T5ExportOptions { DType = dtype, MaxTokens = 24 });
        return Path.Combine(Package, component.Graph!);
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>Runs an encoder graph on ONNX Runtime's CPU provider: ids and mask [batch, tokens] → last_hidden_state.</summary>
    public static float[] Run(string graph, long[] ids, long[] mask, int batch)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(graph, options);
        long[] shape = [batch, ids.Length / batch];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [T5EncoderGraph.InputIds, T5EncoderGraph.AttentionMask], [idsValue, maskValue], [T5EncoderGraph.LastHiddenState]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}

/// <summary>The golden T5 tokenizer fixture written by tools/golden/t5_tokenizer.py (sentencepiece itself).</summary>
public static class T5Golden
{
    public const string Folder = "Jano.Tests/Fixtures/golden/t5-tokenizer";

    public static string SentencePieceModel => Locate(Folder + "/spiece.model");
    public static string Ids => Locate(Folder + "/ids.json");

    private static string Locate(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
