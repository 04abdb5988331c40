using Jano.Core.Stages;
using Jano.Export.Onnx;
using Jano.Export.Onnx.Proto;
using Jano.Export.PixArt;

namespace Jano.Export.Encoders.Clip;

/// <summary>
/// The CLIP text encoder as one ONNX graph (names: <see cref="ClipTextStages"/>):
/// input_ids [batch, L] int64 (L = max_position_embeddings, 77) → last_hidden_state, penultimate_hidden_state
/// [batch, L, D], pooled [batch, D] and, with projection, text_embeds [batch, projection_dim]; outputs float32.
/// token + position embedding, then pre-LN blocks (layer_norm1, causal multi-head self-attention with
/// scale 1/√head_dim, residual; layer_norm2, fc1, activation, fc2, residual), then final_layer_norm.
/// With compute type Float16 the weights and the residual stream are half; every layer norm and the
/// softmax (with the causal mask) run in float32.
/// </summary>
public sealed class ClipTextGraph(ClipTextConfig config, ClipTextWeights weights, OnnxElementType compute = OnnxElementType.Float)
{
    private const OnnxElementType F = OnnxElementType.Float;
    private int D => config.HiddenSize;
    private int L => config.MaxPositions;

    public ModelProto Build()
    {
        var g = new OnnxGraphBuilder("clip_text", compute);
        var ids = g.Input(ClipTextStages.InputIds, OnnxElementType.Int64, "batch", L);

        var tokens = g.Initializer("text_model.embeddings.token_embedding.weight", weights.TokenEmbedding, config.VocabSize, D);
        var positions = g.Initializer("text_model.embeddings.position_embedding.weight", weights.PositionEmbedding, L, D);
        var hidden = g.Add(g.Gather(tokens, ids, 0, "token_embeds"), positions, "embeddings");

        // Additive causal mask, float32 like the scores it is added to: 0 on and below the diagonal, −∞ above (openai's triu(1)).
        var mask = new float[L * L];
        for (var i = 0; i < L; i++)
            for (var j = i + 1; j < L; j++) mask[i * L + j] = float.NegativeInfinity;
        var causal = g.InitializerFloat32("causal_mask", mask, L, L);

        string penultimate = hidden;
        for (var i = 0; i < config.NumLayers; i++)
        {
            // hidden_states[-2] in transformers: the input of the last layer (the embeddings for a one-layer model).
            if (i == config.NumLayers - 1) penultimate = hidden;
            hidden = Layer(g, i, hidden, causal);
        }

        var last = g.LayerNormFloat32(hidden, weights.FinalNorm.Weight, weights.FinalNorm.Bias, config.LayerNormEps, "text_model.final_layer_norm");
        g.Output(last, ClipTextStages.LastHiddenState, F, "batch", L, D);
        g.Output(g.ToFloat32(penultimate), ClipTextStages.PenultimateHiddenState, F, "batch", L, D);

        var pooled = g.GatherNd(last, g.Unsqueeze(PoolPositions(g, ids), [1], "pool_index"), 1, "pooled_state");
        g.Output(pooled, ClipTextStages.Pooled, F, "batch", D);
        if (weights.TextProjection is { } projection)
        {
            var embeds = g.Linear(g.ToCompute(pooled), projection, null, D, config.ProjectionDim, "text_projection");
            g.Output(g.ToFloat32(embeds), ClipTextStages.TextEmbeds, F, "batch", config.ProjectionDim);
        }
        return g.Build($"{(config.WithProjection ? ClipTextConfig.TextModelWithProjection : ClipTextConfig.TextModel)}: input_ids → token states, pooled{(config.WithProjection ? ", text_embeds" : "")}");
    }

    /// <summary>
    /// [batch] int64 positions to pool at (<see cref="ClipTextConfig.Pooling"/>). ArgMax runs on int32, as
    /// transformers casts for ONNX: ONNX Runtime's ArgMax has no int64 kernel on every provider.
    /// </summary>
    private string PoolPositions(OnnxGraphBuilder g, string ids)
    {
        string scores = config.Pooling == ClipPooling.ArgmaxId
            ? g.Cast(ids, OnnxElementType.Int32, "ids_int32")
            : g.Cast(g.Equal(ids, g.InitializerInt64("eos_token_id", [config.EosTokenId], 1), "is_eos"), OnnxElementType.Int32, "is_eos_int32");
        return g.ArgMax(scores, 1, keepDims: false, "pool_position");
    }

    private string Layer(OnnxGraphBuilder g, int layer, string hidden, string causal)
    {
        var w = weights.Layers[layer];
        var name = $"text_model.encoder.layers.{layer}";
        var normed = g.ToCompute(g.LayerNormFloat32(hidden, w.Norm1.Weight, w.Norm1.Bias, config.LayerNormEps, name + ".layer_norm1"));
        var attention = SelfAttention(g, normed, w, causal, name + ".self_attn");
        hidden = g.Add(hidden, attention, name + ".after_attention");

        var normed2 = g.ToCompute(g.LayerNormFloat32(hidden, w.Norm2.Weight, w.Norm2.Bias, config.LayerNormEps, name + ".layer_norm2"));
        var up = LinearOf(g, normed2, w.Fc1, name + ".mlp.fc1");
        var act = config.Activation == ClipActivation.QuickGelu ? g.QuickGelu(up, name + ".mlp.act") : g.GeluExact(up, name + ".mlp.act");
        return g.Add(hidden, LinearOf(g, act, w.Fc2, name + ".mlp.fc2"), name + ".out");
    }

    /// <summary>One fused QKV matmul (the 1/√head_dim scale folded into the query rows), causal softmax in float32, out_proj.</summary>
    private string SelfAttention(OnnxGraphBuilder g, string x, ClipLayerWeights w, string causal, string name)
    {
        long h = config.NumHeads, hd = config.HeadDim;
        var scale = 1f / MathF.Sqrt(config.HeadDim);
        var qkvWeight = new float[3 * D * D];
        var qkvBias = new float[3 * D];
        for (var i = 0; i < D * D; i++) qkvWeight[i] = w.Q.Weight[i] * scale;
        for (var i = 0; i < D; i++) qkvBias[i] = w.Q.Bias[i] * scale;
        w.K.Weight.CopyTo(qkvWeight, D * D);
        w.V.Weight.CopyTo(qkvWeight, 2 * D * D);
        w.K.Bias.CopyTo(qkvBias, D);
        w.V.Bias.CopyTo(qkvBias, 2 * D);
        var qkv = g.Linear(x, qkvWeight, qkvBias, D, 3 * D, name + ".qkv_proj");
        var split = g.Split(qkv, -1, [D, D, D], [name + ".q", name + ".k", name + ".v"]);

        var q = g.Transpose(g.Reshape(split[0], [0, 0, h, hd], name + ".q_heads"), [0, 2, 1, 3], name + ".q_bhld");
        var k = g.Transpose(g.Reshape(split[1], [0, 0, h, hd], name + ".k_heads"), [0, 2, 3, 1], name + ".k_bhdl");
        var v = g.Transpose(g.Reshape(split[2], [0, 0, h, hd], name + ".v_heads"), [0, 2, 1, 3], name + ".v_bhld");
        var scores = g.Add(g.ToFloat32(g.MatMul(q, k, name + ".scores")), causal, name + ".scores_causal"); // [B, H, L, L] + [L, L]
        var probs = g.ToCompute(g.Softmax(scores, -1, name + ".probs"));
        var context = g.Transpose(g.MatMul(probs, v, name + ".context"), [0, 2, 1, 3], name + ".context_blhd");
        return LinearOf(g, g.Reshape(context, [0, 0, h * hd], name + ".context_merged"), w.Out, name + ".out_proj");
    }

    private static string LinearOf(OnnxGraphBuilder g, string x, LinearWeights w, string name) =>
        g.Linear(x, w.Weight, w.Bias, w.In, w.Out, name);
}
