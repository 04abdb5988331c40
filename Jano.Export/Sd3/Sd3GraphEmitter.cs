using Jano.Export.Onnx;
using Jano.Export.PixArt;

namespace Jano.Export.Sd3;

/// <summary>
/// Emits the pieces of an SD3 (MMDiT) transformer into a graph builder: patch embedding,
/// conditioning, the context embedder, the joint blocks and the final layer. The whole graph is
/// assembled from these; the stage graphs are to reuse them so both compute the same function.
/// </summary>
public sealed class Sd3GraphEmitter(Sd3Config config, Sd3Weights weights)
{
    private int D => config.HiddenSize;
    private const float Eps = Sd3Config.NormEps;

    /// <summary>patches [B, n, p·p·C] (row, column, channel) + positions [n, D] → image rows [B, n, D].</summary>
    public string Embed(OnnxGraphBuilder g, string patches, string positions)
    {
        int c = config.InChannels, p = config.PatchSize, width = config.PatchInputWidth;
        // The patch conv (kernel = stride = p) is a linear over each flattened patch.
        var m = new float[D * width];
        for (var d = 0; d < D; d++)
            for (var ch = 0; ch < c; ch++)
                for (var i = 0; i < p; i++)
                    for (var j = 0; j < p; j++)
                        m[d * width + (i * p + j) * c + ch] = weights.PatchConv[((d * c + ch) * p + i) * p + j];
        return g.Add(g.Linear(patches, m, weights.PatchBias, width, D, "pos_embed.proj"), positions, "image");
    }

    /// <summary>text states [B, L, joint_attention_dim] → context rows [B, L, D].</summary>
    public string Context(OnnxGraphBuilder g, string text) => LinearOf(g, text, weights.ContextEmbedder, "context_embedder");

    /// <summary>
    /// timestep [B], pooled [B, P] → SiLU(temb) [B, D], where temb = TimestepEmbedding(sinusoid(t)) +
    /// PixArtAlphaTextProjection(pooled, SiLU). Every consumer (each AdaLayerNorm linear) applies SiLU
    /// first, so it is applied once here.
    /// </summary>
    public string Condition(OnnxGraphBuilder g, string timestep, string pooled)
    {
        var t = TimestepEmbedding(g, timestep, weights.TimestepLinear1, weights.TimestepLinear2, "timestep", "time_text_embed.timestep_embedder");
        var p1 = LinearOf(g, pooled, weights.PooledLinear1, "time_text_embed.text_embedder.linear_1");
        var p = LinearOf(g, g.Silu(p1, "pooled_silu"), weights.PooledLinear2, "time_text_embed.text_embedder.linear_2");
        return g.Silu(g.Add(t, p, "temb"), "temb_silu");
    }

    /// <summary>
    /// diffusers' Timesteps(256, flip_sin_to_cos=True, downscale_freq_shift=0) of a [B] (or broadcast [1])
    /// value, then TimestepEmbedding (linear, SiLU, linear): [B, D].
    /// </summary>
    public static string TimestepEmbedding(OnnxGraphBuilder g, string value, LinearWeights linear1, LinearWeights linear2, string hint, string module)
    {
        const int half = Sd3Weights.TimestepChannels / 2;
        var freqs = new float[half];
        for (var k = 0; k < half; k++) freqs[k] = (float)Math.Exp(-Math.Log(10000.0) * k / half);
        var args = g.Mul(g.Unsqueeze(value, [1], hint + "_column"), g.InitializerFloat32(hint + "_freqs", freqs, 1, half), hint + "_args");
        // flip_sin_to_cos=True: cosine half first; float32 until after sin/cos (arguments reach 1000 radians).
        var sinusoid = g.ToCompute(g.Concat([g.Cos(args), g.Sin(args)], 1, hint + "_proj"));
        var t1 = LinearOf(g, sinusoid, linear1, module + ".linear_1");
        return LinearOf(g, g.Silu(t1, hint + "_silu"), linear2, module + ".linear_2");
    }

    /// <summary>
    /// AdaLayerNormZero rows [B, 1, D] ×6 from SiLU(temb): shift, 1 + scale, gate (attention), shift,
    /// 1 + scale, gate (MLP); the "1 +" is folded into the bias. SD35AdaLayerNormZeroX (dual attention):
    /// those six, then shift, 1 + scale, gate of attn2. Continuous (last context): 1 + scale, shift.
    /// </summary>
    public string[] Modulation(OnnxGraphBuilder g, string cond, LinearWeights w, string name) => Modulation(g, cond, w, D, name);

    /// <summary>
    /// The modulation rows of width <paramref name="d"/> of any AdaLayerNorm variant from SiLU(temb), the
    /// scale rows' "1 +" folded into the bias: 6 or 9 rows (Zero, ZeroX), 3 (ZeroSingle: shift, scale,
    /// gate), 2 (Continuous: scale, shift).
    /// </summary>
    public static string[] Modulation(OnnxGraphBuilder g, string cond, LinearWeights w, int d, string name)
    {
        var D = d;
        var rows = w.Out / D;
        var bias = (float[])w.Bias.Clone();
        // AdaLayerNormZero chunks (shift, scale, gate, shift, scale, gate), ZeroX three more (shift, scale, gate);
        // AdaLayerNormContinuous (scale, shift).
        int[] scaleRows = rows switch
        {
            6 => [1, 4],
            9 => [1, 4, 7],
            3 => [1],
            2 => [0],
            _ => throw new ArgumentException($"{name}: {rows} modulation rows; AdaLayerNorm variants have 2, 3, 6 or 9"),
        };
        foreach (var r in scaleRows)
            for (var j = 0; j < D; j++) bias[r * D + j] += 1f;
        var mod = g.Linear(cond, w.Weight, bias, w.In, w.Out, name);
        var hints = Enumerable.Range(0, rows).Select(r => $"{name}.row{r}").ToArray();
        return g.Split(g.Reshape(mod, [0, rows, D], name + ".rows"), 1, Enumerable.Repeat(1L, rows).ToArray(), hints);
    }

    /// <summary>LayerNorm without affine, then x·(1 + scale) + shift.</summary>
    public static string Modulate(OnnxGraphBuilder g, string x, int d, string scalePlusOne, string shift, string name) =>
        g.Add(g.Mul(g.LayerNorm(x, d, Eps, name), scalePlusOne), shift, name + ".modulated");

    /// <summary>
    /// norm1's modulated image rows: x for the joint attention and, in a dual-attention block, x2 for attn2.
    /// SD35AdaLayerNormZeroX modulates one LayerNorm of the block's input twice (rows 1, 0 and 7, 6).
    /// </summary>
    public (string X, string? X2) ImageInputs(OnnxGraphBuilder g, string image, string[] m, bool dual, string name)
    {
        if (!dual) return (Modulate(g, image, D, m[1], m[0], name), null);
        var normed = g.LayerNorm(image, D, Eps, name);
        return (g.Add(g.Mul(normed, m[1]), m[0], name + ".modulated"), g.Add(g.Mul(normed, m[7]), m[6], name + ".modulated2"));
    }

    /// <summary>
    /// The image rows after the attentions, in diffusers' order: h = x + gate·to_out(attention), then in a
    /// dual-attention block h + gate2·attn2.to_out(attention2), then h + gate_mlp·MLP(norm2(h) modulated).
    /// </summary>
    public string ImageStream(OnnxGraphBuilder g, string image, string attention, string? attention2, string[] m, Sd3BlockWeights b, string name)
    {
        var h = g.Add(image, g.Mul(m[2], LinearOf(g, attention, b.Out, name + ".attn.to_out.0")), name + ".after_attn");
        if (attention2 is not null)
            h = g.Add(h, g.Mul(m[8], LinearOf(g, attention2, b.Attention2!.Out, name + ".attn2.to_out.0")), name + ".after_attn2");
        var hm = Modulate(g, h, D, m[4], m[3], name + ".norm2");
        return g.Add(h, g.Mul(m[5], FeedForward(g, hm, b.MlpUp, b.MlpDown, name + ".ff")), name + ".out");
    }

    /// <summary>
    /// Projections of one stream for the joint attention: q (carrying 1/√hd unless the attention op
    /// applies it, as MultiHeadAttention and the engine's kernel do), k, v [B, m, D]; with qk_norm the
    /// per-head RMS norm is applied to q and k before the scale.
    /// </summary>
    public (string Q, string K, string V) Projections(OnnxGraphBuilder g, string x, LinearWeights q, LinearWeights k, LinearWeights v,
        float[]? normQ, float[]? normK, string name, bool scaleQuery = true)
    {
        var qs = LinearOf(g, x, q, name + ".q");
        var ks = LinearOf(g, x, k, name + ".k");
        if (normQ is not null) qs = HeadRmsNorm(g, qs, normQ, name + ".norm_q");
        if (normK is not null) ks = HeadRmsNorm(g, ks, normK, name + ".norm_k");
        if (scaleQuery) qs = g.Mul(qs, g.FilledFloat(1f / MathF.Sqrt(config.HeadDim), 1), name + ".q_scaled");
        return (qs, ks, LinearOf(g, x, v, name + ".v"));
    }

    private string HeadRmsNorm(OnnxGraphBuilder g, string x, float[] weight, string name) =>
        HeadRmsNorm(g, x, weight, config.NumHeads, config.HeadDim, name);

    /// <summary>RMS norm over each head's channels: x / √(mean(x²) + eps) · w, on [B, m, D] viewed as [B, m, h, hd].</summary>
    public static string HeadRmsNorm(OnnxGraphBuilder g, string x, float[] weight, int headCount, int headDim, string name)
    {
        int D = headCount * headDim;
        var heads = g.Reshape(x, [0, 0, headCount, headDim], name + ".heads");
        var meanSquare = g.ReduceMean(g.Mul(heads, heads, name + ".square"), [-1], true, name + ".mean_square");
        var inv = g.Div(g.FilledFloat(1f, 1), g.Sqrt(g.Add(meanSquare, g.FilledFloat(Eps, 1), name + ".eps"), name + ".rms"), name + ".inv");
        var normed = g.Mul(g.Mul(heads, inv, name + ".normed"), g.Initializer(name + ".weight", weight, headDim), name + ".scaled");
        return g.Reshape(normed, [0, 0, D], name + ".rows");
    }

    /// <summary>Multi-head attention in plain ONNX ops; q already carries the scale. q/k/v [B, m, D].</summary>
    public string Attention(OnnxGraphBuilder g, string q, string k, string v, string name) =>
        Attention(g, q, k, v, config.NumHeads, config.HeadDim, name);

    /// <summary>Multi-head attention in plain ONNX ops for any head layout; q already carries the scale.</summary>
    public static string Attention(OnnxGraphBuilder g, string q, string k, string v, long h, long hd, string name)
    {
        var qh = g.Transpose(g.Reshape(q, [0, 0, h, hd], name + ".q_heads"), [0, 2, 1, 3], name + ".q_bhnd");
        var kh = g.Transpose(g.Reshape(k, [0, 0, h, hd], name + ".k_heads"), [0, 2, 3, 1], name + ".k_bhdm");
        var vh = g.Transpose(g.Reshape(v, [0, 0, h, hd], name + ".v_heads"), [0, 2, 1, 3], name + ".v_bhmd");
        var probs = g.ToCompute(g.Softmax(g.ToFloat32(g.MatMul(qh, kh, name + ".scores")), -1, name + ".probs"));
        var o = g.Transpose(g.MatMul(probs, vh, name + ".context"), [0, 2, 1, 3], name + ".o_bnhd");
        return g.Reshape(o, [0, 0, h * hd], name + ".o");
    }

    /// <summary>GELU-tanh feed-forward D → 4D → D.</summary>
    public static string FeedForward(OnnxGraphBuilder g, string x, LinearWeights up, LinearWeights down, string name) =>
        LinearOf(g, g.GeluTanh(LinearOf(g, x, up, name + ".net.0.proj"), name + ".gelu"), down, name + ".net.2");

    /// <summary>norm_out (AdaLayerNormContinuous: scale, shift) and proj_out → [B, n, p·p·C_out].</summary>
    public string Final(OnnxGraphBuilder g, string image, string cond)
    {
        var mod = Modulation(g, cond, weights.NormOut, "norm_out.linear");
        return LinearOf(g, Modulate(g, image, D, mod[0], mod[1], "norm_out"), weights.ProjOut, "proj_out");
    }

    public static string LinearOf(OnnxGraphBuilder g, string x, LinearWeights w, string name) =>
        g.Linear(x, w.Weight, w.Bias, w.In, w.Out, name);
}
