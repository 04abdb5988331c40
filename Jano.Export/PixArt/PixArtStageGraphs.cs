using Jano.Core.Geometry;
using Jano.Core.Stages;
using Jano.Export.Onnx;
using Jano.Export.Onnx.Proto;
using N = Jano.Core.Stages.StageRoles.Names;

namespace Jano.Export.PixArt;

/// <summary>
/// The graphs of a PixArt package. Symbolic dimensions: "batch", "tokens" (n: the prefix of tokens a
/// step computes) and "text_tokens" (caption length). Every graph is float32 in and out; with compute
/// type Float16 the weights and activations inside are half precision, cast at the graph's edges, with
/// LayerNormalization statistics, softmax and the timestep sinusoid in float32. Input and output names
/// are <see cref="PixArtStages"/>' (Jano.Core), the ones the manifest declares and the runtime binds.
/// The geometry matters only to the whole graph (patchify and unpatchify are inside it).
/// </summary>
public sealed class PixArtStageGraphs(PixArtConfig config, PixArtWeights weights, LatentGeometry geometry, OnnxElementType compute = OnnxElementType.Float)
{
    private const OnnxElementType F = OnnxElementType.Float;
    private readonly PixArtGraphEmitter _emit = new(config, weights);
    private int D => config.HiddenSize;

    /// <summary>
    /// Batch of the modulation inputs: 1 (shared by every item, broadcast) or the items' batch. A name
    /// of its own, so a runtime may batch guidance branches that share one timestep.
    /// </summary>
    private const string ModBatch = "mod_batch";

    public ModelProto Embed()
    {
        var g = Builder("embed");
        var patches = g.ToCompute(g.Input(N.Patches, F, "batch", "tokens", config.PatchInputWidth));
        var positions = g.ToCompute(g.Input(N.Positions, F, "tokens", D));
        g.Output(g.ToFloat32(_emit.Embed(g, patches, positions)), N.Hidden, F, "batch", "tokens", D);
        return g.Build("patch tokens + position rows → hidden");
    }

    public ModelProto Cond()
    {
        var g = Builder("cond");
        var t = g.Input(N.Timestep, F, "batch");
        var (resolution, aspect) = SizeInputs(g);
        var (tMod, tEmb) = _emit.Condition(g, t, resolution, aspect);
        g.Output(g.ToFloat32(tMod), N.TMod, F, "batch", 6 * D);
        g.Output(g.ToFloat32(tEmb), N.TEmb, F, "batch", D);
        return g.Build("timestep → modulation vectors");
    }

    public ModelProto Context()
    {
        var g = Builder("context");
        var text = g.ToCompute(g.Input(N.TextStates, F, "batch", "text_tokens", config.CaptionChannels));
        var caption = _emit.Caption(g, text);
        for (var i = 0; i < config.NumLayers; i++)
        {
            var (k, v) = _emit.CrossKeyValues(g, i, caption);
            g.Output(g.ToFloat32(k), N.CrossKeyOf(i), F, "batch", "text_tokens", D);
            g.Output(g.ToFloat32(v), N.CrossValueOf(i), F, "batch", "text_tokens", D);
        }
        return g.Build("caption states → per-layer cross-attention keys and values");
    }

    public ModelProto Pre(int layer)
    {
        var g = Builder($"block_{layer:D2}_pre");
        var h = g.ToCompute(g.Input(N.Hidden, F, "batch", "tokens", D));
        var tMod = g.ToCompute(g.Input(N.TMod, F, ModBatch, 6 * D));
        var (q, k, v) = _emit.Pre(g, layer, h, tMod);
        g.Output(g.ToFloat32(q), N.Q, F, "batch", "tokens", D);
        g.Output(g.ToFloat32(k), N.K, F, "batch", "tokens", D);
        g.Output(g.ToFloat32(v), N.V, F, "batch", "tokens", D);
        return g.Build("hidden + modulation → q, k, v");
    }

    public ModelProto Post(int layer)
    {
        var g = Builder($"block_{layer:D2}_post");
        var h = g.ToCompute(g.Input(N.Hidden, F, "batch", "tokens", D));
        var attention = g.ToCompute(g.Input(N.AttentionOut, F, "batch", "tokens", D));
        var tMod = g.ToCompute(g.Input(N.TMod, F, ModBatch, 6 * D));
        var ck = g.ToCompute(g.Input(N.CrossK, F, "batch", "text_tokens", D));
        var cv = g.ToCompute(g.Input(N.CrossV, F, "batch", "text_tokens", D));
        var bias = g.Input(N.CrossBias, F, "batch", "text_tokens");
        g.Output(g.ToFloat32(_emit.Post(g, layer, h, attention, tMod, ck, cv, bias)), N.HiddenOut, F, "batch", "tokens", D);
        return g.Build("hidden + self-attention output + modulation + cross K/V (+ key bias) → hidden");
    }

    /// <summary>
    /// Self-attention as ONNX Runtime's MultiHeadAttention contrib op: query [B, n, D] against key and
    /// value [B, m, D] (scale 1/√hd). The runtime can run it instead of Jano.Kernels' attention where
    /// it is faster (and it has CUDA kernels).
    /// </summary>
    public ModelProto Attention()
    {
        var g = Builder("attention");
        var q = g.ToCompute(g.Input(N.Query, F, "batch", "tokens", D));
        var k = g.ToCompute(g.Input(N.Key, F, "batch", "kv_tokens", D));
        var v = g.ToCompute(g.Input(N.Value, F, "batch", "kv_tokens", D));
        var o = g.MultiHeadAttention(q, k, v, config.NumHeads);
        g.Output(g.ToFloat32(o), N.Output, F, "batch", "tokens", D);
        return g.Build("multi-head self-attention (ONNX Runtime contrib op)");
    }

    public ModelProto Final()
    {
        var g = Builder("final");
        var h = g.ToCompute(g.Input(N.Hidden, F, "batch", "tokens", D));
        var tEmb = g.ToCompute(g.Input(N.TEmb, F, ModBatch, D));
        g.Output(g.ToFloat32(_emit.Final(g, h, tEmb)), N.PatchOut, F, "batch", "tokens", config.PatchOutputWidth);
        return g.Build("hidden + modulation → patch outputs");
    }

    /// <summary>
    /// The whole transformer: sample [B, C, H, W], timestep [B], text_states [B, L, caption] →
    /// out [B, C_out, H, W]. Patchify, positions and unpatchify are inside the graph.
    /// </summary>
    public ModelProto Model(float[] positions)
    {
        int h = geometry.Height, w = geometry.Width, p = geometry.PatchSize, gh = geometry.GridHeight, gw = geometry.GridWidth;
        int c = config.InChannels, co = config.OutChannels, tokens = geometry.Tokens;
        var g = Builder("model");
        var sample = g.ToCompute(g.Input(N.Sample, F, "batch", c, h, w));
        var t = g.Input(N.Timestep, F, "batch");
        var text = g.ToCompute(g.Input(N.TextStates, F, "batch", "text_tokens", config.CaptionChannels));
        var (resolution, aspect) = SizeInputs(g);

        // [B, C, Gh, p, Gw, p] → [B, Gh, Gw, p, p, C] → [B, N, p·p·C]: tokens row-major, patch values (row, column, channel).
        var split = g.Reshape(sample, [0, c, gh, p, gw, p], "sample_grid");
        var patches = g.Reshape(g.Transpose(split, [0, 2, 4, 3, 5, 1], "patch_order"), [0, tokens, config.PatchInputWidth], "patches");
        var pos = g.Initializer("pos_embed", positions, tokens, D);
        var hidden = _emit.Embed(g, patches, pos);
        var (tMod, tEmb) = _emit.Condition(g, t, resolution, aspect);
        var caption = _emit.Caption(g, text);
        var scale = 1f / MathF.Sqrt(config.HeadDim);
        var scaleConst = g.FilledFloat(scale, 1);
        for (var i = 0; i < config.NumLayers; i++)
        {
            var (ck, cv) = _emit.CrossKeyValues(g, i, caption);
            var (q, k, v) = _emit.Pre(g, i, hidden, tMod);
            var attention = _emit.Attention(g, g.Mul(q, scaleConst, $"transformer_blocks.{i}.q_scaled"), k, v, $"transformer_blocks.{i}.attn1");
            hidden = _emit.Post(g, i, hidden, attention, tMod, ck, cv);
        }
        var outPatches = _emit.Final(g, hidden, tEmb);
        var grid6 = g.Reshape(outPatches, [0, gh, gw, p, p, co], "out_grid");
        var image = g.Reshape(g.Transpose(grid6, [0, 5, 1, 3, 2, 4], "out_order"), [0, co, h, w], "out_image");
        g.Output(g.ToFloat32(image), N.Out, F, "batch", co, h, w);
        return g.Build("the whole PixArt transformer in one graph");
    }

    private OnnxGraphBuilder Builder(string name) => new(name, compute);

    /// <summary>The micro-condition inputs (float32, sizes reach thousands) when the model has them.</summary>
    private (string? Resolution, string? AspectRatio) SizeInputs(OnnxGraphBuilder g) => config.UseAdditionalConditions
        ? (g.Input(N.Resolution, F, "batch", 2), g.Input(N.AspectRatio, F, "batch", 1))
        : (null, null);
}
