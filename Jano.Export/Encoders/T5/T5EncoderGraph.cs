using Jano.Export.Onnx;
using Jano.Export.Onnx.Proto;

namespace Jano.Export.Encoders.T5;

/// <summary>
/// T5EncoderModel as one ONNX graph: input_ids [batch, tokens] int64 and attention_mask [batch, tokens]
/// int64 (1 = real token, 0 = padding; transformers' tokenizers give int64 and optimum's T5 exports take
/// it, so a caller passes the tokenizer's mask as it is) → last_hidden_state [batch, tokens, d_model]
/// float32. "tokens" is symbolic: the relative-position bias is computed in the graph from the token
/// count (<see cref="T5RelativePosition"/>), so one graph serves any prompt length.
///
/// What T5 does that other encoders do not: no 1/√d_kv on the scores (folded into the q weights at
/// training), a learned bias per head and relative-position bucket added to every layer's scores (T5,
/// mT5: block 0's table, reused by every layer; umT5: each layer's own), padding as a large negative
/// key bias (transformers' finfo(float32).min), RMS norms (x · rsqrt(mean(x²) + eps) · weight, no mean
/// subtraction, no bias), pre-norm residual blocks, a final RMS norm, no biases anywhere.
///
/// Float16 (<see cref="OnnxElementType.Float16"/>): the q/k/v/o and wi projections and the embedding
/// table are half; the residual stream, every RMS norm, the scores (q·kᵀ computed from float32 casts
/// of the half q and k, because unscaled T5 logits are large and a half's step at 256 is 0.25),
/// the position and mask biases, the softmax, the gated product and wo stay float32. wo in float32
/// is what transformers does for T5 in half precision (_keep_in_fp32_modules = ["wo"]): T5-XXL's FFN
/// output overflows a half otherwise. The residual stream in float32 removes the need for
/// transformers' clamping of infinities.
/// </summary>
public sealed class T5EncoderGraph(T5Config config, T5Weights weights, OnnxElementType compute = OnnxElementType.Float)
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string LastHiddenState = "last_hidden_state";

    private const OnnxElementType F = OnnxElementType.Float;

    public ModelProto Build()
    {
        var g = new OnnxGraphBuilder("t5_encoder", compute);
        var ids = g.Input(InputIds, OnnxElementType.Int64, "batch", "tokens");
        var mask = g.Input(AttentionMask, OnnxElementType.Int64, "batch", "tokens");

        var table = g.Initializer("shared", weights.Embedding(), config.VocabSize, config.DModel);
        var hidden = g.ToFloat32(g.Gather(table, ids, 0, "embedded")); // [B, T, D], float32 residual stream

        var keyBias = MaskBias(g, mask);                                  // [B, 1, 1, T]
        var distance = ClippedDistance(g, ids);                           // [T, T] int64 rows into the bias-by-distance table
        string? sharedBias = null;
        for (var layer = 0; layer < config.NumLayers; layer++)
        {
            if (config.HasRelativeBias(layer))
                sharedBias = g.Add(PositionBias(g, layer, distance), keyBias, $"block.{layer}.attention_bias"); // [B, H, T, T]
            hidden = SelfAttention(g, layer, hidden, sharedBias!);
            hidden = FeedForward(g, layer, hidden);
        }
        var output = RmsNorm(g, hidden, weights.FinalNorm(), "final_layer_norm");
        g.Output(output, LastHiddenState, F, "batch", "tokens", config.DModel);
        var kind = config.ModelType == "umt5" ? "UMT5EncoderModel" : "T5EncoderModel";
        return g.Build($"{kind}: input_ids, attention_mask → last_hidden_state ({config.NumLayers} layers, d_model {config.DModel}, {compute})");
    }

    /// <summary>(1 − mask) · finfo(float32).min on the keys, as transformers' extended attention mask: [B, 1, 1, T].</summary>
    private string MaskBias(OnnxGraphBuilder g, string mask)
    {
        var m = g.Cast(mask, F, "attention_mask.float");
        var padding = g.Sub(g.Float32Scalar(1f), m, "padding");
        var bias = g.Mul(padding, g.Float32Scalar(float.MinValue), "padding_bias");
        return g.Unsqueeze(bias, [1, 2], "key_bias");
    }

    /// <summary>clip(key − query, ±max_distance) + max_distance for every pair: [T, T], row = query.</summary>
    private string ClippedDistance(OnnxGraphBuilder g, string ids)
    {
        var tokens = g.Dim(ids, 1, "token_count");
        var positions = g.Range(g.Int64Scalar(0), tokens, g.Int64Scalar(1), "positions");
        var relative = g.Sub(g.Unsqueeze(positions, [0], "key_positions"), g.Unsqueeze(positions, [1], "query_positions"), "relative_position");
        var clipped = g.Clip(relative, g.Int64Scalar(-config.MaxDistance), g.Int64Scalar(config.MaxDistance), "relative_position.clipped");
        return g.Add(clipped, g.Int64Scalar(config.MaxDistance), "relative_position.row");
    }

    /// <summary>A layer's relative-position bias, [1, H, T, T] float32.</summary>
    private string PositionBias(OnnxGraphBuilder g, int layer, string distance)
    {
        var rows = T5RelativePosition.BiasByDistance(weights.RelativeBias(layer), config.NumBuckets, config.NumHeads, config.MaxDistance);
        var table = g.InitializerFloat32($"block.{layer}.relative_attention_bias.by_distance", rows, 2 * config.MaxDistance + 1, config.NumHeads);
        var pairs = g.Gather(table, distance, 0, $"block.{layer}.position_bias.pairs"); // [T, T, H]
        var heads = g.Transpose(pairs, [2, 0, 1], $"block.{layer}.position_bias.heads"); // [H, T, T]
        return g.Unsqueeze(heads, [0], $"block.{layer}.position_bias");
    }

    /// <summary>h + o(attention(RMS(h))) with the T5 bias on the scores and no 1/√d scale.</summary>
    private string SelfAttention(OnnxGraphBuilder g, int layer, string hidden, string bias)
    {
        var name = $"block.{layer}.layer.0";
        long h = config.NumHeads, dk = config.DKv;
        int d = config.DModel, inner = config.InnerDim;
        var normed = g.ToCompute(RmsNorm(g, hidden, weights.AttentionNorm(layer), name + ".layer_norm"));

        // One matmul for q, k and v: [D, 3·inner] (rows of the PyTorch weights stacked).
        var qkvWeight = new float[3L * inner * d];
        var offset = 0;
        foreach (var part in new[] { "q", "k", "v" })
        {
            var w = weights.Projection(layer, part);
            w.CopyTo(qkvWeight, offset);
            offset += w.Length;
        }
        var qkv = g.Linear(normed, qkvWeight, null, d, 3 * inner, name + ".SelfAttention.qkv");
        var split = g.Split(qkv, -1, [inner, inner, inner], [name + ".q", name + ".k", name + ".v"]);
        var q = g.Transpose(g.Reshape(g.ToFloat32(split[0]), [0, 0, h, dk], name + ".q_heads"), [0, 2, 1, 3], name + ".q_bhtd");
        var k = g.Transpose(g.Reshape(g.ToFloat32(split[1]), [0, 0, h, dk], name + ".k_heads"), [0, 2, 3, 1], name + ".k_bhdt");
        var v = g.Transpose(g.Reshape(split[2], [0, 0, h, dk], name + ".v_heads"), [0, 2, 1, 3], name + ".v_bhtd");

        var scores = g.Add(g.MatMul(q, k, name + ".scores"), bias, name + ".scores_biased"); // float32 [B, H, T, T]
        var probs = g.ToCompute(g.Softmax(scores, -1, name + ".probs"));
        var context = g.Transpose(g.MatMul(probs, v, name + ".context"), [0, 2, 1, 3], name + ".context_bthd");
        var merged = g.Reshape(context, [0, 0, h * dk], name + ".context_merged");
        var output = g.Linear(merged, weights.Output(layer), null, inner, d, name + ".SelfAttention.o");
        return g.Add(hidden, g.ToFloat32(output), name + ".out");
    }

    /// <summary>h + wo(act(wi_0 x) · wi_1 x) (gated) or h + wo(act(wi x)), x = RMS(h).</summary>
    private string FeedForward(OnnxGraphBuilder g, int layer, string hidden)
    {
        var name = $"block.{layer}.layer.1";
        int d = config.DModel, ff = config.DFf;
        var normed = g.ToCompute(RmsNorm(g, hidden, weights.FeedForwardNorm(layer), name + ".layer_norm"));
        string inner;
        if (config.IsGated)
        {
            // wi_0 and wi_1 in one matmul [D, 2·d_ff], then split.
            var w0 = weights.Up(layer, "wi_0");
            var both = new float[2L * ff * d];
            w0.CopyTo(both, 0);
            weights.Up(layer, "wi_1").CopyTo(both, (long)ff * d);
            var up = g.Linear(normed, both, null, d, 2 * ff, name + ".DenseReluDense.wi");
            var halves = g.Split(up, -1, [ff, ff], [name + ".wi_0", name + ".wi_1"]);
            inner = g.Mul(Activation(g, g.ToFloat32(halves[0]), name + ".act"), g.ToFloat32(halves[1]), name + ".gated");
        }
        else
        {
            var up = g.Linear(normed, weights.Up(layer, "wi"), null, d, ff, name + ".DenseReluDense.wi");
            inner = Activation(g, g.ToFloat32(up), name + ".act");
        }
        // wo as a float32 weight on a float32 input (transformers keeps wo in float32 for half T5).
        var wo = g.InitializerFloat32(name + ".DenseReluDense.wo.weight", OnnxGraphBuilder.TransposeMatrix(weights.Down(layer), d, ff), ff, d);
        var down = g.MatMul(inner, wo, name + ".DenseReluDense.wo");
        return g.Add(hidden, down, name + ".out");
    }

    private string Activation(OnnxGraphBuilder g, string x, string hint) => config.Activation switch
    {
        T5Activation.Relu => g.Relu(x, hint),
        T5Activation.Gelu => g.GeluExact(x, hint),
        T5Activation.GeluTanh => g.GeluTanh(x, hint),
        T5Activation.Silu => g.Silu(x, hint),
        _ => throw new InvalidOperationException($"activation {config.Activation}"),
    };

    /// <summary>
    /// x · 1/√(mean(x²) + eps) · weight in float32, as Pow, ReduceMean, Add, Sqrt, Div, Mul: the pattern
    /// ONNX Runtime fuses into SimplifiedLayerNormalization.
    /// </summary>
    private string RmsNorm(OnnxGraphBuilder g, string x, float[] weight, string name)
    {
        var meanSquare = g.ReduceMean(g.Pow(x, g.Float32Scalar(2f), name + ".square"), [-1], true, name + ".mean_square");
        var rms = g.Sqrt(g.Add(meanSquare, g.Float32Scalar(config.LayerNormEpsilon), name + ".mean_square_eps"), name + ".rms");
        var w = g.InitializerFloat32(name + ".weight", weight, config.DModel);
        return g.Mul(g.Div(x, rms, name + ".normalized"), w, name);
    }
}
