using Jano.Export.Encoders.Clip;
using Jano.Export.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Tests.Export;

/// <summary>
/// A random CLIP text encoder checkpoint (ClipRandomCheckpoint) in a temporary folder, exported to an
/// ONNX graph, with its weights loaded back for the reference forward (test helper).
/// </summary>
internal sealed class TinyClip : IDisposable
{
    private readonly TempFolder _folder = new("jano-clip");

    public TinyClip(ClipTextConfig config, int seed, OnnxElementType compute = OnnxElementType.Float)
    {
        Config = config;
        Checkpoint = _folder.File("text_encoder");
        ClipRandomCheckpoint.Write(config, Checkpoint, seed);
        Graph = _folder.File("clip_text.onnx");
        ClipTextExporter.Export(Checkpoint, Graph, compute);
        Weights = ClipTextExporter.Load(Checkpoint).Weights;
    }

    public ClipTextConfig Config { get; }
    public string Checkpoint { get; }
    public string Graph { get; }
    public ClipTextWeights Weights { get; }

    public static ClipTextConfig Shape(bool projection, ClipActivation act, int eos, int vocab = 64, int positions = 16,
        int hidden = 16, int heads = 2, int layers = 2, int intermediate = 48) => new()
    {
        VocabSize = vocab, HiddenSize = hidden, IntermediateSize = intermediate, NumLayers = layers, NumHeads = heads,
        MaxPositions = positions, Activation = act, LayerNormEps = 1e-5f, ProjectionDim = 12, WithProjection = projection,
        BosTokenId = vocab - 2, EosTokenId = eos, PadTokenId = 1,
    };

    /// <summary>Runs a CLIP graph on ids [batch, L]; every output by name, as float32.</summary>
    public static Dictionary<string, float[]> Run(string graph, long[] ids, int batch)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(graph, options);
        using var input = OrtValue.CreateTensorValueFromMemory(ids, [batch, ids.Length / batch]);
        var names = session.OutputMetadata.Keys.ToArray();
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input_ids"], [input], names);
        return names.Select((n, i) => (n, outputs[i].GetTensorDataAsSpan<float>().ToArray())).ToDictionary(p => p.n, p => p.Item2);
    }

    public void Dispose() => _folder.Dispose();
}
