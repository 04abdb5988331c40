using Jano.Export.Onnx;
using Jano.Export.Onnx.Proto;
using Jano.Export.Sd3;

namespace Jano.Export.Flux;

/// <summary>
/// The whole FLUX transformer in one graph (model.onnx) for one latent size, the equivalence oracle of
/// the stage graphs: sample [B, C, H, W] (unpacked latents), timestep [B] (the scheduler's, 0–1000),
/// text_states [B, L, joint_attention_dim], pooled [B, P] (and guidance [B] with guidance_embeds) →
/// out [B, C, H, W]. Packing 2×2 is our patch layout (the embedding's columns are reordered to it), the
/// RoPE table of the grid is an initializer, and attention is plain ONNX ops over [text; image] rows.
/// </summary>
public sealed class FluxWholeGraph(FluxConfig config, FluxWeights weights, int height, int width, OnnxElementType compute = OnnxElementType.Float)
{
    private readonly FluxGraphEmitter _emit = new(config, weights);
    private const OnnxElementType F = OnnxElementType.Float;

    public ModelProto Build()
    {
        const int p = 2;
        int c = config.LatentChannels, co = config.LatentOutChannels, d = config.HiddenSize;
        if (height % p != 0 || width % p != 0) throw new ExportException($"size {height}x{width} does not pack 2×2 (both must be even)");
        int gh = height / p, gw = width / p, tokens = gh * gw;
        var g = new OnnxGraphBuilder("model", compute);
        var sample = g.ToCompute(g.Input("sample", F, "batch", c, height, width));
        var t = g.Input("timestep", F, "batch");
        var text = g.ToCompute(g.Input("text_states", F, "batch", "text_tokens", config.JointAttentionDim));
        var pooled = g.ToCompute(g.Input("pooled", F, "batch", config.PooledProjectionDim));
        var guidance = config.GuidanceEmbeds ? g.Input("guidance", F, "batch") : null;

        var grid = g.Reshape(sample, [0, c, gh, p, gw, p], "sample_grid");
        var patches = g.Reshape(g.Transpose(grid, [0, 2, 4, 3, 5, 1], "patch_order"), [0, tokens, 4 * c], "patches");
        var image = _emit.Embed(g, patches);
        var cond = _emit.Condition(g, t, pooled, guidance);
        var context = _emit.Context(g, text);
        var rope = g.InitializerFloat32("rope", config.Rope.ImageTable(gh, gw), tokens, 2 * config.HeadDim);
        // The text row count as a 1-D value for Slice: the whole graph takes any caption length.
        var textRows = g.Unsqueeze(g.Dim(text, 1, "text_length"), [0], "text_rows");

        for (var i = 0; i < config.NumLayers; i++)
        {
            var (q, k, v) = _emit.DoubleQkv(g, i, context, image, cond, rope);
            var attention = Attention(g, q, k, v, $"transformer_blocks.{i}.attn");
            var rows = _emit.DoubleOut(g, i, context, image, TextPart(g, attention, textRows, i), ImagePart(g, attention, textRows, i), cond);
            (context, image) = (TextPart(g, rows, textRows, i, "rows"), ImagePart(g, rows, textRows, i, "rows"));
        }
        var joint = g.Concat([context, image], 1, "joint_rows");
        var length = textRows;
        for (var i = 0; i < config.NumSingleLayers; i++)
        {
            // The stage graphs split at the package's constant L; the whole graph splits at the run's
            // text length: text rows unrotated, image rows rotated, as FluxGraphEmitter.SingleQkv does.
            var (q, k, v) = SingleQkv(g, i, joint, cond, rope, length);
            joint = _emit.SingleOut(g, i, joint, Attention(g, q, k, v, $"single_transformer_blocks.{i}.attn"), cond);
        }
        var imageRows = g.Node("Slice", "final_image_rows", [joint, length, g.Int64Vector(long.MaxValue), g.Int64Vector(1)]);
        var outPatches = _emit.Final(g, imageRows, cond);
        var grid6 = g.Reshape(outPatches, [0, gh, gw, p, p, co], "out_grid");
        var result = g.Reshape(g.Transpose(grid6, [0, 5, 1, 3, 2, 4], "out_order"), [0, co, height, width], "out_image");
        g.Output(g.ToFloat32(result), "out", F, "batch", co, height, width);
        return g.Build("the whole FLUX transformer in one graph");
    }

    private static string TextPart(OnnxGraphBuilder g, string x, string textRows, int layer, string what = "attn") =>
        g.Node("Slice", $"transformer_blocks.{layer}.{what}.text", [x, g.Int64Vector(0), textRows, g.Int64Vector(1)]);

    private static string ImagePart(OnnxGraphBuilder g, string x, string textRows, int layer, string what = "attn") =>
        g.Node("Slice", $"transformer_blocks.{layer}.{what}.image", [x, textRows, g.Int64Vector(long.MaxValue), g.Int64Vector(1)]);

    /// <summary><see cref="FluxGraphEmitter.SingleQkv"/> with a text length known only at run time.</summary>
    private (string Q, string K, string V) SingleQkv(OnnxGraphBuilder g, int layer, string rows, string temb, string rope, string length)
    {
        var b = weights.Single[layer];
        var n = $"single_transformer_blocks.{layer}";
        var m = _emit.Modulation(g, temb, b.Norm, n + ".norm.linear");
        var x = _emit.Modulate(g, rows, m[1], m[0], n + ".norm");
        var (q, k, v) = _emit.Projections(g, x, b.Q, b.K, b.V, b.Norms.Q, b.Norms.K, n + ".attn");
        string Rotate(string t, string what)
        {
            var text = g.Node("Slice", n + $".{what}_text", [t, g.Int64Vector(0), length, g.Int64Vector(1)]);
            var image = g.Node("Slice", n + $".{what}_image", [t, length, g.Int64Vector(long.MaxValue), g.Int64Vector(1)]);
            return g.Concat([text, _emit.ApplyRope(g, image, rope, n + $".rope_{what}")], 1, n + $".{what}_rows");
        }
        return (Rotate(q, "q"), Rotate(k, "k"), v);
    }

    /// <summary>Multi-head attention in plain ONNX ops (SD3's), q scaled by 1/√hd first.</summary>
    private string Attention(OnnxGraphBuilder g, string q, string k, string v, string name)
    {
        var scaled = g.Mul(q, g.FilledFloat(1f / MathF.Sqrt(config.HeadDim), 1), name + ".q_scaled");
        return Sd3GraphEmitter.Attention(g, scaled, k, v, config.NumHeads, config.HeadDim, name);
    }
}
