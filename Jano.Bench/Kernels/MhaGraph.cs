using Google.Protobuf;
using Jano.Export.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Bench.Kernels;

/// <summary>
/// ONNX Runtime's MultiHeadAttention contrib op as a one-node graph, built in memory: the same op a
/// package's attention.onnx holds, for any head count, without needing a package on disk.
/// </summary>
public static class MhaGraph
{
    public static byte[] Build(int heads, int headDim)
    {
        var d = heads * headDim;
        var g = new OnnxGraphBuilder("attention");
        var q = g.Input("query", OnnxElementType.Float, "batch", "tokens", d);
        var k = g.Input("key", OnnxElementType.Float, "batch", "kv_tokens", d);
        var v = g.Input("value", OnnxElementType.Float, "batch", "kv_tokens", d);
        var o = g.DomainNode(OnnxGraphBuilder.MicrosoftDomain, 1, "MultiHeadAttention", "attention", [q, k, v],
            OnnxAttribute.Int("num_heads", heads));
        g.Output(o, "output", OnnxElementType.Float, "batch", "tokens", d);
        return g.Build("benchmark: multi-head attention").ToByteArray();
    }

    /// <summary>A session over the graph with the runtime's settings (Jano.Runtime's OrtSessionFactory).</summary>
    public static InferenceSession Open(int heads, int headDim, int threads)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        return new InferenceSession(Build(heads, headDim), options);
    }
}
