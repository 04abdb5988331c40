using Jano.Export.Onnx;
using Jano.Export.Onnx.Proto;

namespace Jano.Export.Sd3;

/// <summary>
/// The whole SD3 transformer in one graph (model.onnx) for one latent size: sample [B, C, H, W],
/// timestep [B], text_states [B, L, joint_attention_dim], pooled [B, P] → out [B, C_out, H, W].
/// Joint attention runs over concat([image rows; text rows]) as diffusers' JointAttnProcessor2_0
/// does (the order does not change the result: attention is permutation-equivariant). Dual-attention
/// (SD3.5 MMDiT-X) blocks add attn2, a self-attention over the image rows alone.
/// </summary>
public sealed class Sd3WholeGraph(Sd3Config config, Sd3Weights weights, int height, int width, OnnxElementType compute = OnnxElementType.Float)
{
    private readonly Sd3GraphEmitter _emit = new(config, weights);
    private const OnnxElementType F = OnnxElementType.Float;

    public ModelProto Build()
    {
        int p = config.PatchSize, c = config.InChannels, co = config.OutChannels, d = config.HiddenSize;
        if (height % p != 0 || width % p != 0) throw new ExportException($"size {height}x{width} is not a multiple of patch_size {p}");
        int gh = height / p, gw = width / p, tokens = gh * gw;
        var g = new OnnxGraphBuilder("model", compute);
        var sample = g.ToCompute(g.Input("sample", F, "batch", c, height, width));
        var t = g.Input("timestep", F, "batch");
        var text = g.ToCompute(g.Input("text_states", F, "batch", "text_tokens", config.JointAttentionDim));
        var pooled = g.ToCompute(g.Input("pooled", F, "batch", config.PooledProjectionDim));

        // [B, C, Gh, p, Gw, p] → [B, Gh, Gw, p, p, C] → [B, n, p·p·C]: patches row-major.
        var grid = g.Reshape(sample, [0, c, gh, p, gw, p], "sample_grid");
        var patches = g.Reshape(g.Transpose(grid, [0, 2, 4, 3, 5, 1], "patch_order"), [0, tokens, config.PatchInputWidth], "patches");
        var positions = g.Initializer("pos_embed", weights.CroppedPositions(config.PosEmbedMaxSize, gh, gw, d), tokens, d);
        var image = _emit.Embed(g, patches, positions);
        var cond = _emit.Condition(g, t, pooled);
        var context = _emit.Context(g, text);

        for (var i = 0; i < config.NumLayers; i++)
            (image, context) = Block(g, i, image, context!, cond, tokens);

        var outPatches = _emit.Final(g, image, cond);
        var grid6 = g.Reshape(outPatches, [0, gh, gw, p, p, co], "out_grid");
        var result = g.Reshape(g.Transpose(grid6, [0, 5, 1, 3, 2, 4], "out_order"), [0, co, height, width], "out_image");
        g.Output(g.ToFloat32(result), "out", F, "batch", co, height, width);
        return g.Build("the whole SD3 transformer in one graph");
    }

    /// <summary>One joint block; the last (context_pre_only) returns no context.</summary>
    private (string Image, string? Context) Block(OnnxGraphBuilder g, int layer, string image, string context, string cond, int tokens)
    {
        var b = weights.Blocks[layer];
        var n = $"transformer_blocks.{layer}";
        int d = config.HiddenSize;
        var last = b.AddOut is null;
        var m = _emit.Modulation(g, cond, b.Norm1, n + ".norm1.linear");
        var mc = _emit.Modulation(g, cond, b.Norm1Context, n + ".norm1_context.linear");
        var (x, x2) = _emit.ImageInputs(g, image, m, b.Attention2 is not null, n + ".norm1");
        // Continuous (last block): rows (1 + scale, shift); zero: (shift, 1 + scale, gate, ...).
        var xc = last ? Sd3GraphEmitter.Modulate(g, context, d, mc[0], mc[1], n + ".norm1_context")
                      : Sd3GraphEmitter.Modulate(g, context, d, mc[1], mc[0], n + ".norm1_context");

        var qk = b.QkNorms;
        var (q, k, v) = _emit.Projections(g, x, b.Q, b.K, b.V, qk?.Q, qk?.K, n + ".attn.image");
        var (cq, ck, cv) = _emit.Projections(g, xc, b.AddQ, b.AddK, b.AddV, qk?.AddedQ, qk?.AddedK, n + ".attn.context");
        var joint = _emit.Attention(g,
            g.Concat([q, cq], 1, n + ".attn.q"), g.Concat([k, ck], 1, n + ".attn.k"), g.Concat([v, cv], 1, n + ".attn.v"), n + ".attn");
        var imageAttn = g.Slice(joint, 1, 0, tokens, n + ".attn.image_rows");

        // SD3.5's attn2: self-attention over the image rows alone, from the second modulation of the input.
        string? imageAttn2 = null;
        if (b.Attention2 is { } a2)
        {
            var (q2, k2, v2) = _emit.Projections(g, x2!, a2.Q, a2.K, a2.V, a2.NormQ, a2.NormK, n + ".attn2");
            imageAttn2 = _emit.Attention(g, q2, k2, v2, n + ".attn2");
        }

        var h = _emit.ImageStream(g, image, imageAttn, imageAttn2, m, b, n);
        if (last) return (h, null);

        var contextAttn = g.Slice(joint, 1, tokens, long.MaxValue, n + ".attn.context_rows");
        var hc = g.Add(context, g.Mul(mc[2], Sd3GraphEmitter.LinearOf(g, contextAttn, b.AddOut!, n + ".attn.to_add_out")), n + ".context_after_attn");
        var hcm = Sd3GraphEmitter.Modulate(g, hc, d, mc[4], mc[3], n + ".norm2_context");
        hc = g.Add(hc, g.Mul(mc[5], Sd3GraphEmitter.FeedForward(g, hcm, b.ContextMlpUp!, b.ContextMlpDown!, n + ".ff_context")), n + ".context_out");
        return (h, hc);
    }
}
