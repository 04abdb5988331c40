using Google.Protobuf;

namespace Jano.Export.Onnx;

/// <summary>
/// ONNX Runtime's MultiHeadAttention as a one-node graph built in memory, with inputs and outputs of
/// the given element type: the op a package's attention.onnx holds, for any head count, without a
/// package on disk (the attention benchmarks on CPU and GPU).
/// </summary>
public static class MultiHeadAttentionGraph
{
    public static byte[] Build(int heads, int width, OnnxElementType type = OnnxElementType.Float)
    {
        var g = new OnnxGraphBuilder("attention");
        var q = g.Input("query", type, "batch", "tokens", width);
        var k = g.Input("key", type, "batch", "kv_tokens", width);
        var v = g.Input("value", type, "batch", "kv_tokens", width);
        g.Output(g.MultiHeadAttention(q, k, v, heads), "output", type, "batch", "tokens", width);
        return g.Build("multi-head attention").ToByteArray();
    }
}
