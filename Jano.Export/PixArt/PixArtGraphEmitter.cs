using Jano.Export.Onnx;

namespace Jano.Export.PixArt;

/// <summary>
/// Emits the pieces of a PixArt transformer into a graph builder. The stage graphs and the
/// whole-model graph are assembled from the same pieces, so they compute the same function by
/// construction; the tests compare both against an independent reference forward.
/// </summary>
public sealed class PixArtGraphEmitter(PixArtConfig config, PixArtWeights weights)
{
    private int D => config.HiddenSize;

    /// <summary>patches [B, n, p·p·C] (order row, column, channel) + positions [n, D] → hidden [B, n, D].</summary>
    public string Embed(OnnxGraphBuilder g, string patches, string positions)
    {
        var matrix = PatchConvAsMatrix();
        var h = g.Linear(patches, matrix, weights.PatchBias, config.PatchInputWidth, D, "pos_embed.proj");
        return g.Add(h, positions, "hidden");
    }

    /// <summary>
    /// timestep [B] → (t_mod [B, 6D] shared by every block, t_emb [B, D] used by the final layer). With
    /// micro-conditions, resolution [B, 2] (image height, width in pixels) and aspect ratio [B, 1]
    /// (height / width) are embedded like timesteps and added, concatenated, to the timestep embedding.
    /// </summary>
    public (string TMod, string TEmb) Condition(OnnxGraphBuilder g, string timestep, string? resolution = null, string? aspectRatio = null)
    {
        var sinusoid = Sinusoid(g, timestep, "timestep");
        var e1 = LinearOf(g, sinusoid, weights.TimestepLinear1, "adaln_single.emb.timestep_embedder.linear_1");
        var tEmb = LinearOf(g, g.Silu(e1), weights.TimestepLinear2, "adaln_single.emb.timestep_embedder.linear_2");
        if (weights.SizeEmbedders is { } size)
        {
            if (resolution is null || aspectRatio is null) throw new ArgumentException("this PixArt model uses micro-conditions: resolution and aspect ratio are needed");
            var s = config.SizeEmbeddingWidth;
            string Embed(string values, LinearWeights first, LinearWeights second, string name, long width)
            {
                var flat = g.Reshape(values, [-1], name + ".flat");
                var hidden = LinearOf(g, Sinusoid(g, flat, name), first, $"adaln_single.emb.{name}.linear_1");
                var embedded = LinearOf(g, g.Silu(hidden, name + ".silu"), second, $"adaln_single.emb.{name}.linear_2");
                return g.Reshape(embedded, [-1, width], name + ".rows"); // [B·k, s] → [B, k·s]
            }
            var res = Embed(resolution, size.Resolution1, size.Resolution2, "resolution_embedder", 2L * s);
            var ar = Embed(aspectRatio, size.Aspect1, size.Aspect2, "aspect_ratio_embedder", s);
            tEmb = g.Add(tEmb, g.Concat([res, ar], 1, "size_embedding"), "t_emb_with_sizes");
        }
        var tMod = LinearOf(g, g.Silu(tEmb, "t_emb_silu"), weights.AdaLinear, "adaln_single.linear");
        return (tMod, tEmb);
    }

    /// <summary>
    /// values [M] → [M, 256]: diffusers' Timesteps(256, flip_sin_to_cos=True, downscale_freq_shift=0).
    /// Arguments reach 1000 radians (and image sizes more): float32 throughout, cast after sin/cos.
    /// </summary>
    private static string Sinusoid(OnnxGraphBuilder g, string values, string name)
    {
        const int half = PixArtWeights.TimestepChannels / 2;
        var freqs = new float[half];
        for (var k = 0; k < half; k++) freqs[k] = (float)Math.Exp(-Math.Log(10000.0) * k / half);
        var f = g.InitializerFloat32(name + "_freqs", freqs, 1, half);
        var args = g.Mul(g.Unsqueeze(values, [1], name + "_column"), f, name + "_args");
        // flip_sin_to_cos=True: cosine half first.
        return g.ToCompute(g.Concat([g.Cos(args), g.Sin(args)], 1, name + "_proj"));
    }

    /// <summary>text states [B, L, caption_channels] → projected caption [B, L, D].</summary>
    public string Caption(OnnxGraphBuilder g, string text)
    {
        var c1 = LinearOf(g, text, weights.CaptionLinear1, "caption_projection.linear_1");
        return LinearOf(g, g.GeluTanh(c1, "caption_gelu"), weights.CaptionLinear2, "caption_projection.linear_2");
    }

    /// <summary>Cross-attention keys and values of one block: they depend on the prompt only.</summary>
    public (string K, string V) CrossKeyValues(OnnxGraphBuilder g, int layer, string caption)
    {
        var b = weights.Blocks[layer];
        var k = LinearOf(g, caption, b.CrossK, $"transformer_blocks.{layer}.attn2.to_k");
        var v = LinearOf(g, caption, b.CrossV, $"transformer_blocks.{layer}.attn2.to_v");
        return (k, v);
    }

    /// <summary>Block "pre": norm1, modulate, one fused QKV matmul → q, k, v [B, n, D].</summary>
    public (string Q, string K, string V) Pre(OnnxGraphBuilder g, int layer, string hidden, string tMod)
    {
        var b = weights.Blocks[layer];
        var name = $"transformer_blocks.{layer}";
        var mod = Modulation(g, layer, tMod);
        var normed = g.LayerNorm(hidden, D, config.NormEps, name + ".norm1");
        var modulated = g.Add(g.Mul(normed, mod[1]), mod[0], name + ".norm1_modulated");

        var qkvWeight = new float[3 * D * D];
        var qkvBias = new float[3 * D];
        var parts = new[] { b.SelfQ, b.SelfK, b.SelfV };
        for (var i = 0; i < 3; i++)
        {
            parts[i].Weight.CopyTo(qkvWeight, i * D * D);
            parts[i].Bias.CopyTo(qkvBias, i * D);
        }
        var qkv = g.Linear(modulated, qkvWeight, qkvBias, D, 3 * D, name + ".attn1.to_qkv");
        var split = g.Split(qkv, -1, [D, D, D], [name + ".q", name + ".k", name + ".v"]);
        return (split[0], split[1], split[2]);
    }

    /// <summary>
    /// Block "post": out-projection of the self-attention result and gated residual, cross-attention
    /// to the caption (no norm before it, as PixArt), norm2 + modulate, GELU-tanh MLP, gated residual.
    /// </summary>
    /// <param name="crossBias">Optional additive bias [B, L] on the caption keys (0 keeps a key, −1e9 masks padding), so
    /// branches with captions of different lengths can run as one batch.</param>
    public string Post(OnnxGraphBuilder g, int layer, string hidden, string attention, string tMod, string crossK, string crossV, string? crossBias = null)
    {
        var b = weights.Blocks[layer];
        var name = $"transformer_blocks.{layer}";
        var mod = Modulation(g, layer, tMod);
        string gateMsa = mod[2], shiftMlp = mod[3], scaleMlpPlusOne = mod[4], gateMlp = mod[5];

        var selfOut = LinearOf(g, attention, b.SelfOut, name + ".attn1.to_out.0");
        var h = g.Add(hidden, g.Mul(gateMsa, selfOut), name + ".after_self");

        // The softmax scale is folded into the query projection: one fewer op per block.
        var scale = 1f / MathF.Sqrt(config.HeadDim);
        var scaledQ = new LinearWeights(b.CrossQ.Weight.Select(w => w * scale).ToArray(), b.CrossQ.Bias.Select(w => w * scale).ToArray(), D, D);
        var q = LinearOf(g, h, scaledQ, name + ".attn2.to_q");
        var cross = Attention(g, q, crossK, crossV, name + ".attn2", crossBias);
        var crossOut = LinearOf(g, cross, b.CrossOut, name + ".attn2.to_out.0");
        h = g.Add(h, crossOut, name + ".after_cross");

        var normed = g.LayerNorm(h, D, config.NormEps, name + ".norm2");
        var modulated = g.Add(g.Mul(normed, scaleMlpPlusOne), shiftMlp, name + ".norm2_modulated");
        var up = LinearOf(g, modulated, b.MlpUp, name + ".ff.net.0.proj");
        var down = LinearOf(g, g.GeluTanh(up, name + ".ff.gelu"), b.MlpDown, name + ".ff.net.2");
        return g.Add(h, g.Mul(gateMlp, down), name + ".out");
    }

    /// <summary>final: norm, modulate with t_emb and the final table, proj_out → [B, n, p·p·C_out].</summary>
    public string Final(OnnxGraphBuilder g, string hidden, string tEmb)
    {
        var table = (float[])weights.FinalScaleShiftTable.Clone();
        for (var j = 0; j < D; j++) table[D + j] += 1f; // fold "1 +" of the scale row
        var t = g.Initializer("scale_shift_table", table, 2, D);
        var mod = g.Add(g.Unsqueeze(tEmb, [1], "t_emb_rows"), t, "final_modulation"); // [B, 2, D]
        var shift = g.Slice(mod, 1, 0, 1, "final_shift");
        var scalePlusOne = g.Slice(mod, 1, 1, 2, "final_scale");
        var normed = g.LayerNorm(hidden, D, config.NormEps, "norm_out");
        var modulated = g.Add(g.Mul(normed, scalePlusOne), shift, "norm_out_modulated");
        return LinearOf(g, modulated, weights.ProjOut, "proj_out");
    }

    /// <summary>
    /// Multi-head attention in plain ONNX ops (used for cross-attention and, in model.onnx, for
    /// self-attention). q must already carry the 1/√hd scale. Shapes: q [B, n, D], k/v [B, m, D].
    /// </summary>
    public string Attention(OnnxGraphBuilder g, string q, string k, string v, string name, string? keyBias = null)
    {
        long h = config.NumHeads, hd = config.HeadDim;
        var qh = g.Transpose(g.Reshape(q, [0, 0, h, hd], name + ".q_heads"), [0, 2, 1, 3], name + ".q_bhnd");
        var kh = g.Transpose(g.Reshape(k, [0, 0, h, hd], name + ".k_heads"), [0, 2, 3, 1], name + ".k_bhdm");
        var vh = g.Transpose(g.Reshape(v, [0, 0, h, hd], name + ".v_heads"), [0, 2, 1, 3], name + ".v_bhmd");
        // Softmax (and the key bias, a float32 input whose −1e9 a half cannot hold) in float32.
        var scores = g.ToFloat32(g.MatMul(qh, kh, name + ".scores"));
        if (keyBias is not null)
            scores = g.Add(scores, g.Unsqueeze(keyBias, [1, 2], name + ".key_bias"), name + ".scores_masked"); // [B, 1, 1, m]
        var probs = g.ToCompute(g.Softmax(scores, -1, name + ".probs"));
        var o = g.Transpose(g.MatMul(probs, vh, name + ".context"), [0, 2, 1, 3], name + ".o_bnhd");
        return g.Reshape(o, [0, 0, h * hd], name + ".o");
    }

    /// <summary>
    /// The six modulation rows of a block, each [B, 1, D]: shift_msa, 1 + scale_msa, gate_msa,
    /// shift_mlp, 1 + scale_mlp, gate_mlp. The "1 +" is folded into the table initializer.
    /// </summary>
    private string[] Modulation(OnnxGraphBuilder g, int layer, string tMod)
    {
        var name = $"transformer_blocks.{layer}";
        var table = (float[])weights.Blocks[layer].ScaleShiftTable.Clone();
        foreach (var row in new[] { 1, 4 })
            for (var j = 0; j < D; j++) table[row * D + j] += 1f;
        var t = g.Initializer(name + ".scale_shift_table", table, 6, D);
        var mod = g.Add(g.Reshape(tMod, [0, 6, D], name + ".t_mod_rows"), t, name + ".modulation");
        return g.Split(mod, 1, [1, 1, 1, 1, 1, 1],
            [name + ".shift_msa", name + ".scale_msa", name + ".gate_msa", name + ".shift_mlp", name + ".scale_mlp", name + ".gate_mlp"]);
    }

    private static string LinearOf(OnnxGraphBuilder g, string x, LinearWeights w, string name) =>
        g.Linear(x, w.Weight, w.Bias, w.In, w.Out, name);

    /// <summary>Conv weight [D, C, p, p] as a linear weight [D, p·p·C] over patches flattened (row, column, channel).</summary>
    private float[] PatchConvAsMatrix()
    {
        int c = config.InChannels, p = config.PatchSize, width = config.PatchInputWidth;
        var m = new float[D * width];
        for (var d = 0; d < D; d++)
            for (var ch = 0; ch < c; ch++)
                for (var i = 0; i < p; i++)
                    for (var j = 0; j < p; j++)
                        m[d * width + (i * p + j) * c + ch] = weights.PatchConv[((d * c + ch) * p + i) * p + j];
        return m;
    }
}
