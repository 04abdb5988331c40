using Jano.Core.Stages;
using Jano.Export.Onnx;
using Jano.Export.Onnx.Proto;
using N = Jano.Core.Stages.StageRoles.Names;

namespace Jano.Export.Sd3;

/// <summary>
/// The stage graphs of an SD3 package, for the token engine's row layout: per batch item L text rows
/// (the prefix, computed every step) then the n image rows a step computes. L is fixed per package, so
/// the graphs split the rows at the constant L. Symbolic dimensions: "batch", "rows" (L + n), "tokens"
/// (n), "text_tokens" (L at the context graph). Attention is the engine's (kernel or MultiHeadAttention,
/// both scaling by 1/√hd), so the pre graph leaves q unscaled. Each pre and post graph recomputes its
/// block's modulation from temb: one [B, D] × [D, 6D] product (9D with dual attention), small beside the rows.
/// </summary>
public sealed class Sd3StageGraphs(Sd3Config config, Sd3Weights weights, int prefixRows, OnnxElementType compute = OnnxElementType.Float)
{
    private const OnnxElementType F = OnnxElementType.Float;
    private readonly Sd3GraphEmitter _emit = new(config, weights);
    private int D => config.HiddenSize;
    private int L => prefixRows;

    public ModelProto Context() => ContextGraph(compute, weights.ContextEmbedder);

    /// <summary>A joint family's caption stage: text states [B, T, J] → prefix rows [B, T, D] through context_embedder.</summary>
    public static ModelProto ContextGraph(OnnxElementType compute, PixArt.LinearWeights contextEmbedder)
    {
        var g = new OnnxGraphBuilder("context", compute);
        var text = g.ToCompute(g.Input(N.TextStates, F, "batch", "text_tokens", contextEmbedder.In));
        g.Output(g.ToFloat32(Sd3GraphEmitter.LinearOf(g, text, contextEmbedder, "context_embedder")), N.Prefix, F, "batch", "text_tokens", contextEmbedder.Out);
        return g.Build("text states → prefix rows (context_embedder)");
    }

    /// <summary>The timestep is one value shared by the batch (broadcast); pooled is per item.</summary>
    public ModelProto Cond()
    {
        var g = Builder("cond");
        var t = g.Input(N.Timestep, F, "mod_batch");
        var pooled = g.ToCompute(g.Input(N.Pooled, F, "batch", config.PooledProjectionDim));
        g.Output(g.ToFloat32(_emit.Condition(g, t, pooled)), N.Temb, F, "batch", D);
        return g.Build("timestep + pooled text → SiLU(temb)");
    }

    public ModelProto Embed()
    {
        var g = Builder("embed");
        var patches = g.ToCompute(g.Input(N.Patches, F, "batch", "tokens", config.PatchInputWidth));
        var positions = g.ToCompute(g.Input(N.Positions, F, "tokens", D));
        var prefix = g.ToCompute(g.Input(N.Prefix, F, "batch", L, D));
        var hidden = g.Concat([prefix, _emit.Embed(g, patches, positions)], 1, "rows");
        g.Output(g.ToFloat32(hidden), N.Hidden, F, "batch", "rows", D);
        return g.Build("prefix rows; patch tokens + positions → hidden");
    }

    /// <summary>
    /// Text rows with norm1_context and the context projections, image rows with norm1 and the image ones;
    /// in a dual-attention block also attn2's projections of the image rows' second modulation.
    /// </summary>
    public ModelProto Pre(int layer)
    {
        var b = weights.Blocks[layer];
        var n = $"transformer_blocks.{layer}";
        var g = Builder($"block_{layer:D2}_pre");
        var h = g.ToCompute(g.Input(N.Hidden, F, "batch", "rows", D));
        var temb = g.ToCompute(g.Input(N.Temb, F, "batch", D));
        var (text, image) = (g.Slice(h, 1, 0, L, "text_rows"), g.Slice(h, 1, L, long.MaxValue, "image_rows"));
        var m = _emit.Modulation(g, temb, b.Norm1, n + ".norm1.linear");
        var mc = _emit.Modulation(g, temb, b.Norm1Context, n + ".norm1_context.linear");
        var (x, x2) = _emit.ImageInputs(g, image, m, b.Attention2 is not null, n + ".norm1");
        // The last block's context norm is AdaLayerNormContinuous: rows (1 + scale, shift).
        var xc = b.AddOut is null
            ? Sd3GraphEmitter.Modulate(g, text, D, mc[0], mc[1], n + ".norm1_context")
            : Sd3GraphEmitter.Modulate(g, text, D, mc[1], mc[0], n + ".norm1_context");
        var qk = b.QkNorms;
        var (q, k, v) = _emit.Projections(g, x, b.Q, b.K, b.V, qk?.Q, qk?.K, n + ".attn.image", scaleQuery: false);
        var (cq, ck, cv) = _emit.Projections(g, xc, b.AddQ, b.AddK, b.AddV, qk?.AddedQ, qk?.AddedK, n + ".attn.context", scaleQuery: false);
        g.Output(g.ToFloat32(g.Concat([cq, q], 1, "q_rows")), N.Q, F, "batch", "rows", D);
        g.Output(g.ToFloat32(g.Concat([ck, k], 1, "k_rows")), N.K, F, "batch", "rows", D);
        g.Output(g.ToFloat32(g.Concat([cv, v], 1, "v_rows")), N.V, F, "batch", "rows", D);
        if (b.Attention2 is not { } a2) return g.Build("hidden + temb → q (unscaled), k, v over [text; image] rows");

        // attn2 (SD3.5): image rows only; the engine keeps their K/V in a cache of its own.
        var (q2, k2, v2) = _emit.Projections(g, x2!, a2.Q, a2.K, a2.V, a2.NormQ, a2.NormK, n + ".attn2", scaleQuery: false);
        g.Output(g.ToFloat32(q2), N.Q2, F, "batch", "tokens", D);
        g.Output(g.ToFloat32(k2), N.K2, F, "batch", "tokens", D);
        g.Output(g.ToFloat32(v2), N.V2, F, "batch", "tokens", D);
        return g.Build("hidden + temb → q (unscaled), k, v over [text; image] rows; q2 (unscaled), k2, v2 over image rows");
    }

    /// <summary>
    /// Image rows: gated to_out residual (and attn2's, in a dual-attention block), norm2, gated MLP. Text rows: the same with the context weights,
    /// or passed through unchanged in the last block (nothing reads them after it).
    /// </summary>
    public ModelProto Post(int layer)
    {
        var b = weights.Blocks[layer];
        var n = $"transformer_blocks.{layer}";
        var g = Builder($"block_{layer:D2}_post");
        var h = g.ToCompute(g.Input(N.Hidden, F, "batch", "rows", D));
        var attention = g.ToCompute(g.Input(N.AttentionOut, F, "batch", "rows", D));
        var attention2 = b.Attention2 is null ? null : g.ToCompute(g.Input(N.Attention2Out, F, "batch", "tokens", D));
        var temb = g.ToCompute(g.Input(N.Temb, F, "batch", D));
        var (text, image) = (g.Slice(h, 1, 0, L, "text_rows"), g.Slice(h, 1, L, long.MaxValue, "image_rows"));
        var (textAttn, imageAttn) = (g.Slice(attention, 1, 0, L, "text_attention"), g.Slice(attention, 1, L, long.MaxValue, "image_attention"));

        var m = _emit.Modulation(g, temb, b.Norm1, n + ".norm1.linear");
        var hi = _emit.ImageStream(g, image, imageAttn, attention2, m, b, n);

        var ht = text;
        if (b.AddOut is not null)
        {
            var mc = _emit.Modulation(g, temb, b.Norm1Context, n + ".norm1_context.linear");
            ht = g.Add(text, g.Mul(mc[2], Sd3GraphEmitter.LinearOf(g, textAttn, b.AddOut, n + ".attn.to_add_out")), n + ".context_after_attn");
            var hcm = Sd3GraphEmitter.Modulate(g, ht, D, mc[4], mc[3], n + ".norm2_context");
            ht = g.Add(ht, g.Mul(mc[5], Sd3GraphEmitter.FeedForward(g, hcm, b.ContextMlpUp!, b.ContextMlpDown!, n + ".ff_context")), n + ".context_out");
        }
        g.Output(g.ToFloat32(g.Concat([ht, hi], 1, "rows")), N.HiddenOut, F, "batch", "rows", D);
        return g.Build("hidden + attention + temb → hidden");
    }

    public ModelProto Final()
    {
        var g = Builder("final");
        var h = g.ToCompute(g.Input(N.Hidden, F, "batch", "rows", D));
        var temb = g.ToCompute(g.Input(N.Temb, F, "batch", D));
        var image = g.Slice(h, 1, L, long.MaxValue, "image_rows");
        g.Output(g.ToFloat32(_emit.Final(g, image, temb)), N.PatchOut, F, "batch", "tokens", config.PatchOutputWidth);
        return g.Build("image rows + temb → patch outputs");
    }

    /// <summary>
    /// ONNX Runtime's MultiHeadAttention (scale 1/√hd), shape-generic: the joint attention over [text; image]
    /// rows, and attn2 over the image rows alone (n queries against N keys) with the same graph.
    /// </summary>
    public ModelProto Attention() => AttentionGraph(compute, D, config.NumHeads);

    /// <summary>
    /// ONNX Runtime's MultiHeadAttention (scale 1/√hd), shape-generic: [text; image] rows, or (SD3.5's attn2)
    /// the image rows alone; the same graph for every joint family.
    /// </summary>
    public static ModelProto AttentionGraph(OnnxElementType compute, int d, int heads)
    {
        var g = new OnnxGraphBuilder("attention", compute);
        var q = g.ToCompute(g.Input(N.Query, F, "batch", "tokens", d));
        var k = g.ToCompute(g.Input(N.Key, F, "batch", "kv_tokens", d));
        var v = g.ToCompute(g.Input(N.Value, F, "batch", "kv_tokens", d));
        g.Output(g.ToFloat32(g.MultiHeadAttention(q, k, v, heads)), N.Output, F, "batch", "tokens", d);
        return g.Build("multi-head joint attention (ONNX Runtime contrib op)");
    }

    private OnnxGraphBuilder Builder(string name) => new(name, compute);
}
