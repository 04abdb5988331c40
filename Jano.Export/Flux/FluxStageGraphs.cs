using Jano.Core.Stages;
using Jano.Export.Onnx;
using Jano.Export.Onnx.Proto;
using N = Jano.Core.Stages.StageRoles.Names;

namespace Jano.Export.Flux;

/// <summary>
/// The stage graphs of a FLUX package for the token engine's row layout: per batch item L text rows
/// (the prefix, every step) then the n image rows a step computes; blocks 0..num_layers−1 are double-stream
/// (kind joint), the rest single-stream (kind single). L is fixed per package (FLUX pads T5 to
/// max_sequence_length and attends to every row). Symbolic dimensions as SD3's: "batch", "rows" (L + n),
/// "tokens" (n). Every pre graph takes the n image rows' RoPE rows in scheduling order and returns
/// rotated q (unscaled: the engine's attention scales) and k, so the engine's K cache holds rotated keys.
/// Pre and post each recompute their block's modulation from temb (small beside the rows).
/// </summary>
public sealed class FluxStageGraphs(FluxConfig config, FluxWeights weights, int prefixRows, OnnxElementType compute = OnnxElementType.Float)
{
    private const OnnxElementType F = OnnxElementType.Float;
    private readonly FluxGraphEmitter _emit = new(config, weights);
    private int D => config.HiddenSize;
    private int L => prefixRows;

    public ModelProto Context() => Sd3.Sd3StageGraphs.ContextGraph(compute, weights.ContextEmbedder);

    /// <summary>Timestep and guidance are one value each, shared by the batch (broadcast); pooled is per item.</summary>
    public ModelProto Cond()
    {
        var g = Builder("cond");
        var t = g.Input(N.Timestep, F, "mod_batch");
        var pooled = g.ToCompute(g.Input(N.Pooled, F, "batch", config.PooledProjectionDim));
        var guidance = config.GuidanceEmbeds ? g.Input(N.Guidance, F, "mod_batch") : null;
        g.Output(g.ToFloat32(_emit.Condition(g, t, pooled, guidance)), N.Temb, F, "batch", D);
        return g.Build(config.GuidanceEmbeds ? "timestep + pooled text + guidance → SiLU(temb)" : "timestep + pooled text → SiLU(temb)");
    }

    public ModelProto Embed()
    {
        var g = Builder("embed");
        var patches = g.ToCompute(g.Input(N.Patches, F, "batch", "tokens", 4 * config.LatentChannels));
        var prefix = g.ToCompute(g.Input(N.Prefix, F, "batch", L, D));
        g.Output(g.ToFloat32(g.Concat([prefix, _emit.Embed(g, patches)], 1, "rows")), N.Hidden, F, "batch", "rows", D);
        return g.Build("prefix rows; packed patch tokens → hidden");
    }

    public ModelProto Pre(int layer)
    {
        var g = Builder($"block_{layer:D2}_pre");
        var h = g.ToCompute(g.Input(N.Hidden, F, "batch", "rows", D));
        var temb = g.ToCompute(g.Input(N.Temb, F, "batch", D));
        var rope = g.Input(N.Rope, F, "tokens", 2 * config.HeadDim);
        var (q, k, v) = layer < config.NumLayers
            ? _emit.DoubleQkv(g, layer, g.Slice(h, 1, 0, L, "text_rows"), g.Slice(h, 1, L, long.MaxValue, "image_rows"), temb, rope)
            : _emit.SingleQkv(g, layer - config.NumLayers, h, temb, rope, L);
        g.Output(g.ToFloat32(q), N.Q, F, "batch", "rows", D);
        g.Output(g.ToFloat32(k), N.K, F, "batch", "rows", D);
        g.Output(g.ToFloat32(v), N.V, F, "batch", "rows", D);
        return g.Build("hidden + temb + RoPE rows → rotated q (unscaled), rotated k, v over [text; image] rows");
    }

    public ModelProto Post(int layer)
    {
        var g = Builder($"block_{layer:D2}_post");
        var h = g.ToCompute(g.Input(N.Hidden, F, "batch", "rows", D));
        var attention = g.ToCompute(g.Input(N.AttentionOut, F, "batch", "rows", D));
        var temb = g.ToCompute(g.Input(N.Temb, F, "batch", D));
        var output = layer < config.NumLayers
            ? _emit.DoubleOut(g, layer, g.Slice(h, 1, 0, L, "text_rows"), g.Slice(h, 1, L, long.MaxValue, "image_rows"),
                g.Slice(attention, 1, 0, L, "text_attention"), g.Slice(attention, 1, L, long.MaxValue, "image_attention"), temb)
            : _emit.SingleOut(g, layer - config.NumLayers, h, attention, temb);
        g.Output(g.ToFloat32(output), N.HiddenOut, F, "batch", "rows", D);
        return g.Build("hidden + attention + temb → hidden");
    }

    public ModelProto Final()
    {
        var g = Builder("final");
        var h = g.ToCompute(g.Input(N.Hidden, F, "batch", "rows", D));
        var temb = g.ToCompute(g.Input(N.Temb, F, "batch", D));
        var image = g.Slice(h, 1, L, long.MaxValue, "image_rows");
        g.Output(g.ToFloat32(_emit.Final(g, image, temb)), N.PatchOut, F, "batch", "tokens", 4 * config.LatentOutChannels);
        return g.Build("image rows + temb → packed patch outputs");
    }

    public ModelProto Attention() => Sd3.Sd3StageGraphs.AttentionGraph(compute, D, config.NumHeads);

    private OnnxGraphBuilder Builder(string name) => new(name, compute);
}
