using Jano.Export.Onnx;
using Jano.Export.PixArt;
using Jano.Export.Sd3;

namespace Jano.Export.Flux;

/// <summary>
/// Emits the pieces of a FLUX transformer into a graph builder: the packed-patch embedding, the
/// conditioning (timestep, guidance, pooled text), the context embedder, RoPE, the double- and
/// single-stream blocks' halves and the final layer. The whole graph and the stage graphs are both
/// assembled from these, so they compute the same function. The AdaLayerNorm, RMS-norm, timestep and
/// feed-forward pieces are SD3's (<see cref="Sd3GraphEmitter"/>): diffusers uses the same modules.
/// </summary>
public sealed class FluxGraphEmitter(FluxConfig config, FluxWeights weights)
{
    private int D => config.HiddenSize;
    private const float Eps = FluxConfig.NormEps;

    /// <summary>
    /// Our patch rows hold a 2×2 latent patch as (dy, dx, channel); FluxPipeline._pack_latents orders a
    /// token's channels as (channel, dy, dx). Index of our (dy·2 + dx)·C + c in diffusers' order.
    /// </summary>
    public static int PackedIndex(int ours, int channels)
    {
        int c = ours % channels, cell = ours / channels; // cell = dy·2 + dx
        return c * 4 + cell;
    }

    /// <summary>x_embedder with its input columns in our patch-row order.</summary>
    private LinearWeights XEmbedder()
    {
        var w = weights.XEmbedder;
        var m = new float[w.Weight.Length];
        for (var o = 0; o < w.Out; o++)
            for (var i = 0; i < w.In; i++)
                m[o * w.In + i] = w.Weight[o * w.In + PackedIndex(i, config.LatentChannels)];
        return w with { Weight = m };
    }

    /// <summary>proj_out with its output rows in our patch-row order.</summary>
    private LinearWeights ProjOut()
    {
        var w = weights.ProjOut;
        var m = new float[w.Weight.Length];
        var b = new float[w.Out];
        for (var o = 0; o < w.Out; o++)
        {
            var source = PackedIndex(o, config.LatentOutChannels);
            Array.Copy(w.Weight, source * w.In, m, o * w.In, w.In);
            b[o] = w.Bias[source];
        }
        return w with { Weight = m, Bias = b };
    }

    /// <summary>patch rows [B, n, 4C] (ours) → image rows [B, n, D].</summary>
    public string Embed(OnnxGraphBuilder g, string patches) => Sd3GraphEmitter.LinearOf(g, patches, XEmbedder(), "x_embedder");

    /// <summary>text states [B, L, joint_attention_dim] → context rows [B, L, D].</summary>
    public string Context(OnnxGraphBuilder g, string text) => Sd3GraphEmitter.LinearOf(g, text, weights.ContextEmbedder, "context_embedder");

    /// <summary>
    /// timestep [1 or B] (the scheduler's, 0–1000), pooled [B, P], guidance [1 or B] (the scale) →
    /// SiLU(temb) [B, D]. FluxPipeline passes t / 1000 and the model multiplies by 1000 again, both in
    /// float32, so the graph does the same; guidance is multiplied by 1000. temb = (time + guidance) +
    /// text projection, in diffusers' order of additions; every consumer applies SiLU first.
    /// </summary>
    public string Condition(OnnxGraphBuilder g, string timestep, string pooled, string? guidance)
    {
        var thousand = g.FilledFloat(1000f, 1);
        var t = g.Mul(g.Div(timestep, thousand, "timestep_over_1000"), thousand, "timestep_model");
        var temb = Sd3GraphEmitter.TimestepEmbedding(g, t, weights.TimestepLinear1, weights.TimestepLinear2, "timestep", "time_text_embed.timestep_embedder");
        if (guidance is not null)
        {
            var gs = g.Mul(guidance, thousand, "guidance_model");
            var ge = Sd3GraphEmitter.TimestepEmbedding(g, gs, weights.GuidanceLinear1!, weights.GuidanceLinear2!, "guidance", "time_text_embed.guidance_embedder");
            temb = g.Add(temb, ge, "time_guidance");
        }
        var p1 = Sd3GraphEmitter.LinearOf(g, pooled, weights.PooledLinear1, "time_text_embed.text_embedder.linear_1");
        var p = Sd3GraphEmitter.LinearOf(g, g.Silu(p1, "pooled_silu"), weights.PooledLinear2, "time_text_embed.text_embedder.linear_2");
        return g.Silu(g.Add(temb, p, "temb"), "temb_silu");
    }

    public string[] Modulation(OnnxGraphBuilder g, string cond, LinearWeights w, string name) => Sd3GraphEmitter.Modulation(g, cond, w, D, name);

    public string Modulate(OnnxGraphBuilder g, string x, string scalePlusOne, string shift, string name) =>
        Sd3GraphEmitter.Modulate(g, x, D, scalePlusOne, shift, name);

    /// <summary>
    /// diffusers' apply_rotary_emb (use_real, unbind dim −1) on [B, m, D] rows with a table [m, 2·hd]
    /// (cos | sin): x·cos + rotate(x)·sin per head, rotate(x) = (−x₁, x₀) of every channel pair, in float32.
    /// </summary>
    public string ApplyRope(OnnxGraphBuilder g, string x, string table, string name)
    {
        long h = config.NumHeads, hd = config.HeadDim;
        var heads = g.ToFloat32(g.Reshape(x, [0, 0, h, hd], name + ".heads"));
        var pairs = g.Reshape(heads, [0, 0, h, hd / 2, 2], name + ".pairs");
        var parts = g.Split(pairs, 4, [1, 1], [name + ".real", name + ".imag"]);
        var rotated = g.Reshape(g.Concat([g.Node("Neg", name + ".neg_imag", [parts[1]]), parts[0]], 4, name + ".rotated_pairs"), [0, 0, h, hd], name + ".rotated");
        var cos = g.Reshape(g.Slice(table, 1, 0, hd, name + ".cos_rows"), [1, -1, 1, hd], name + ".cos");
        var sin = g.Reshape(g.Slice(table, 1, hd, 2 * hd, name + ".sin_rows"), [1, -1, 1, hd], name + ".sin");
        var result = g.Add(g.Mul(heads, cos, name + ".x_cos"), g.Mul(rotated, sin, name + ".rot_sin"), name + ".out");
        return g.Reshape(g.ToCompute(result), [0, 0, h * hd], name + ".rows");
    }

    /// <summary>q, k, v [B, m, D] of rows x, with the per-head RMS norms on q and k (unscaled, not rotated).</summary>
    public (string Q, string K, string V) Projections(OnnxGraphBuilder g, string x, LinearWeights q, LinearWeights k, LinearWeights v,
        float[] normQ, float[] normK, string name)
    {
        var qs = Sd3GraphEmitter.HeadRmsNorm(g, Sd3GraphEmitter.LinearOf(g, x, q, name + ".q"), normQ, config.NumHeads, config.HeadDim, name + ".norm_q");
        var ks = Sd3GraphEmitter.HeadRmsNorm(g, Sd3GraphEmitter.LinearOf(g, x, k, name + ".k"), normK, config.NumHeads, config.HeadDim, name + ".norm_k");
        return (qs, ks, Sd3GraphEmitter.LinearOf(g, x, v, name + ".v"));
    }

    /// <summary>
    /// A double block's attention inputs: text rows (norm1_context, add_*_proj) then image rows (norm1,
    /// to_*), q and k rotated (text rows: ids zero, the identity, so only image rows are rotated).
    /// </summary>
    public (string Q, string K, string V) DoubleQkv(OnnxGraphBuilder g, int layer, string text, string image, string temb, string rope)
    {
        var b = weights.Double[layer];
        var n = $"transformer_blocks.{layer}";
        var m = Modulation(g, temb, b.Norm1, n + ".norm1.linear");
        var mc = Modulation(g, temb, b.Norm1Context, n + ".norm1_context.linear");
        var x = Modulate(g, image, m[1], m[0], n + ".norm1");
        var xc = Modulate(g, text, mc[1], mc[0], n + ".norm1_context");
        var (q, k, v) = Projections(g, x, b.Q, b.K, b.V, b.Norms.Q, b.Norms.K, n + ".attn.image");
        var (cq, ck, cv) = Projections(g, xc, b.AddQ, b.AddK, b.AddV, b.Norms.AddedQ!, b.Norms.AddedK!, n + ".attn.context");
        q = ApplyRope(g, q, rope, n + ".rope_q");
        k = ApplyRope(g, k, rope, n + ".rope_k");
        return (g.Concat([cq, q], 1, n + ".q_rows"), g.Concat([ck, k], 1, n + ".k_rows"), g.Concat([cv, v], 1, n + ".v_rows"));
    }

    /// <summary>A double block after attention: both streams' gated to_out residual, norm2 and gated MLP, as [text; image] rows.</summary>
    public string DoubleOut(OnnxGraphBuilder g, int layer, string text, string image, string textAttention, string imageAttention, string temb)
    {
        var b = weights.Double[layer];
        var n = $"transformer_blocks.{layer}";
        var m = Modulation(g, temb, b.Norm1, n + ".norm1.linear");
        var mc = Modulation(g, temb, b.Norm1Context, n + ".norm1_context.linear");
        var hi = Stream(g, image, imageAttention, m, b.Out, b.MlpUp, b.MlpDown, n, n + ".norm2", n + ".ff", n + ".attn.to_out.0");
        var ht = Stream(g, text, textAttention, mc, b.AddOut, b.ContextMlpUp, b.ContextMlpDown, n + ".context", n + ".norm2_context", n + ".ff_context", n + ".attn.to_add_out");
        return g.Concat([ht, hi], 1, n + ".rows");
    }

    /// <summary>h = x + gate·out(attention); h + gate_mlp·MLP(norm2(h) modulated) — FluxTransformerBlock's order.</summary>
    private string Stream(OnnxGraphBuilder g, string x, string attention, string[] m, LinearWeights output, LinearWeights up, LinearWeights down,
        string name, string norm2, string ff, string outName)
    {
        var h = g.Add(x, g.Mul(m[2], Sd3GraphEmitter.LinearOf(g, attention, output, outName), name + ".gated_attn"), name + ".after_attn");
        var hm = Modulate(g, h, m[4], m[3], norm2);
        return g.Add(h, g.Mul(m[5], Sd3GraphEmitter.FeedForward(g, hm, up, down, ff), name + ".gated_ff"), name + ".out");
    }

    /// <summary>A single block's attention inputs over all rows [text; image] (one weight set), q and k of the image rows rotated.</summary>
    public (string Q, string K, string V) SingleQkv(OnnxGraphBuilder g, int layer, string rows, string temb, string rope, int textRows)
    {
        var b = weights.Single[layer];
        var n = $"single_transformer_blocks.{layer}";
        var m = Modulation(g, temb, b.Norm, n + ".norm.linear");
        var x = Modulate(g, rows, m[1], m[0], n + ".norm");
        var (q, k, v) = Projections(g, x, b.Q, b.K, b.V, b.Norms.Q, b.Norms.K, n + ".attn");
        string Rotate(string t, string what) => g.Concat(
            [g.Slice(t, 1, 0, textRows, n + $".{what}_text"), ApplyRope(g, g.Slice(t, 1, textRows, long.MaxValue, n + $".{what}_image"), rope, n + $".rope_{what}")],
            1, n + $".{what}_rows");
        return (Rotate(q, "q"), Rotate(k, "k"), v);
    }

    /// <summary>A single block after attention: residual + gate · proj_out([attention; GELU(proj_mlp(x))]).</summary>
    public string SingleOut(OnnxGraphBuilder g, int layer, string rows, string attention, string temb)
    {
        var b = weights.Single[layer];
        var n = $"single_transformer_blocks.{layer}";
        var m = Modulation(g, temb, b.Norm, n + ".norm.linear");
        var x = Modulate(g, rows, m[1], m[0], n + ".norm");
        var mlp = g.GeluTanh(Sd3GraphEmitter.LinearOf(g, x, b.ProjMlp, n + ".proj_mlp"), n + ".act_mlp");
        var joined = g.Concat([attention, mlp], 2, n + ".attn_mlp");
        return g.Add(rows, g.Mul(m[2], Sd3GraphEmitter.LinearOf(g, joined, b.ProjOut, n + ".proj_out"), n + ".gated"), n + ".out");
    }

    /// <summary>norm_out (AdaLayerNormContinuous: scale, shift) and proj_out → [B, n, 4·C_out] in our patch-row order.</summary>
    public string Final(OnnxGraphBuilder g, string image, string cond)
    {
        var mod = Modulation(g, cond, weights.NormOut, "norm_out.linear");
        return Sd3GraphEmitter.LinearOf(g, Modulate(g, image, mod[0], mod[1], "norm_out"), ProjOut(), "proj_out");
    }
}
