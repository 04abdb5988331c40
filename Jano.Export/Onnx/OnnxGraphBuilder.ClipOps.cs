namespace Jano.Export.Onnx;

/// <summary>
/// Op helpers the CLIP text encoder needs beside OnnxGraphBuilder.Ops.cs (which has Gather and exact
/// GELU): index selection, QuickGELU and a LayerNorm with learned affine parameters in float32.
/// </summary>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>
    /// GatherND with <paramref name="batchDims"/> leading batch axes: data [B, n, D] and indices [B, 1]
    /// give [B, D], row indices[b] of item b.
    /// </summary>
    public string GatherNd(string data, string indices, long batchDims, string hint = "gather_nd") =>
        Node("GatherND", hint, [data, indices], OnnxAttribute.Int("batch_dims", batchDims));

    /// <summary>Index of the first largest value along <paramref name="axis"/> (int64; ties go to the first, as torch).</summary>
    public string ArgMax(string x, long axis, bool keepDims, string hint = "argmax") =>
        Node("ArgMax", hint, [x], OnnxAttribute.Int("axis", axis), OnnxAttribute.Int("keepdims", keepDims ? 1 : 0),
            OnnxAttribute.Int("select_last_index", 0));

    public string Equal(string a, string b, string hint = "equal") => Node("Equal", hint, [a, b]);

    /// <summary>QuickGELU x·σ(1.702x), openai CLIP's activation (transformers' "quick_gelu").</summary>
    public string QuickGelu(string x, string hint = "quick_gelu") =>
        Mul(x, Sigmoid(Mul(x, FilledFloat(1.702f, 1), hint + ".scaled"), hint + ".sigmoid"), hint);

    /// <summary>
    /// LayerNormalization over the last axis with learned scale and bias, computed in float32 whatever
    /// the compute type (x is cast up when half; the parameters are float32 initializers). Returns a
    /// float32 value: callers cast it back with <see cref="ToCompute"/>, or use it directly as a float32 output.
    /// </summary>
    public string LayerNormFloat32(string x, float[] weight, float[] bias, float epsilon, string name)
    {
        if (weight.Length != bias.Length)
            throw new ArgumentException($"layer norm '{name}': weight has {weight.Length} values, bias {bias.Length}");
        var scale = InitializerFloat32(name + ".weight", weight, weight.Length);
        var shift = InitializerFloat32(name + ".bias", bias, bias.Length);
        return Node("LayerNormalization", name, [ToFloat32(x), scale, shift],
            OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", epsilon), OnnxAttribute.Int("stash_type", 1));
    }
}
