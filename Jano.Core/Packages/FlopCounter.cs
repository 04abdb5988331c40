using Jano.Core.Geometry;
using Jano.Core.Stages;

namespace Jano.Core.Packages;

/// <summary>
/// Multiply-add FLOPs (2 per MAC) of the transformer's matrix products, per block kind and as the
/// token engine runs them: a step computes the L prefix rows (SD3's text tokens, every step) and n of
/// the N image tokens; attention takes L + n queries against all L + N cached keys. Used for `jano info`
/// and for Jano's ideal speed-up: the dense generation's FLOPs over the FLOPs of the token counts each
/// step actually computed, with the work that does not shrink with n (the prefix rows, the cond graph,
/// the caption stage once per prompt) counted on both sides. Element-wise work (norms, activations,
/// softmax, the modulation's multiply-adds) is left out: a few percent at these sizes. Text encoders
/// are outside the transformer and not counted.
/// </summary>
public static class FlopCounter
{
    /// <summary>Rows of one forward pass of one branch computing <paramref name="n"/> image tokens: embed,
    /// every block, final; the cond graph and the caption stage are <see cref="Cond"/> and <see cref="Caption"/>.</summary>
    public static double Forward(FlopShape s, int n)
    {
        var blocks = s.BlockKinds.Sum(kind => Block(s, kind, n));
        return Embed(s, n)
            + blocks
            + Final(s, n);
    }

    /// <summary>The patch embedding of n image tokens, one branch (what a step that reuses the blocks still runs, with <see cref="Final"/>).</summary>
    public static double Embed(FlopShape s, int n) => 2.0 * n * s.Geometry.PatchInputWidth * s.Dims.HiddenSize;

    /// <summary>One block of one branch over the step's rows.</summary>
    public static double Block(FlopShape s, string kind, int n)
    {
        var d = s.Dims;
        double h = d.HiddenSize, mlp = d.MlpHidden, image = n, keys = s.Geometry.Tokens;
        double text = s.Geometry.PrefixRows, l = s.CaptionTokens;
        switch (kind)
        {
            case BlockKind.Cross: // PixArt: t_mod comes from the cond graph; the caption's K/V from the caption stage
                return 2 * image * h * 3 * h      // fused QKV
                    + 2 * 2 * image * keys * h    // self-attention scores and weighted values over all heads
                    + 2 * image * h * h           // self-attention out projection
                    + 2 * image * h * h           // cross-attention query
                    + 2 * 2 * image * l * h       // cross-attention scores and values
                    + 2 * image * h * h           // cross-attention out projection
                    + 2 * 2 * image * h * mlp;    // MLP up and down
            case BlockKind.Joint or BlockKind.JointLast or BlockKind.JointDual or BlockKind.JointDualLast:
            {
                bool last = kind is BlockKind.JointLast or BlockKind.JointDualLast, dual = BlockKind.HasImageAttention(kind);
                // The pre and post graphs each compute their block's modulation from temb ([1, D] × [D, kD]
                // per branch): image AdaLayerNormZero 6D (SD3.5's dual block: 9D, SD35AdaLayerNormZeroX);
                // context 6D, or 2D in the last block (AdaLayerNormContinuous), whose post has none.
                double imageMod = dual ? 9 * h : 6 * h, contextMod = last ? 2 * h : 6 * h;
                var modulation = 2 * h * (imageMod + contextMod)   // pre
                    + 2 * h * (imageMod + (last ? 0 : contextMod)); // post
                var queries = text + image;
                var joint = 2 * image * h * 3 * h                   // image q, k, v
                    + 2 * text * h * 3 * h                          // text q, k, v (the last block too: image rows attend to them)
                    + 2 * 2 * queries * (text + keys) * h           // joint attention: L + n queries (the last block's text
                                                                    // queries too: the engine computes them) against L + N keys
                    + 2 * image * h * h                             // image out projection
                    + 2 * 2 * image * h * mlp;                      // image MLP
                if (!last)
                    joint += 2 * text * h * h                       // text out projection (to_add_out)
                        + 2 * 2 * text * h * mlp;                   // text MLP (ff_context)
                if (dual)
                    joint += 2 * image * h * 3 * h                  // attn2 q, k, v over the computed image rows
                        + 2 * 2 * image * keys * h                  // image-only attention against all N image keys
                        + 2 * image * h * h;                        // attn2 out projection
                return joint + modulation;
            }
            case BlockKind.Single:
            {
                // FLUX single-stream: one weight set over the L + n rows; AdaLayerNormZeroSingle's 3D
                // modulation in pre and again in post; attention without out projection; proj_mlp in
                // parallel; proj_out over [attention; MLP] (D + mlp → D).
                var rows = text + image;
                return 2 * h * 3 * h * 2                            // modulation, pre and post
                    + 2 * rows * h * 3 * h                          // q, k, v
                    + 2 * 2 * rows * (text + keys) * h              // attention: L + n queries against L + N keys
                    + 2 * rows * h * mlp                            // proj_mlp
                    + 2 * rows * (h + mlp) * h;                     // proj_out
            }
            default:
                throw new ArgumentException($"no FLOP count for block kind '{kind}' (counted: {string.Join(", ", BlockKind.All)})", nameof(kind));
        }
    }

    /// <summary>The final layer on the n computed image rows (SD3 also computes its AdaLayerNormContinuous modulation).</summary>
    public static double Final(FlopShape s, int n)
    {
        double h = s.Dims.HiddenSize;
        var projection = 2.0 * n * h * s.Geometry.PatchOutputWidth;
        return IsJoint(s) ? projection + 2 * h * 2 * h : projection; // PixArt: a table added to t_emb, no product
    }

    /// <summary>One run of the cond graph for one branch: timestep (and pooled, micro-condition) embeddings
    /// and, for PixArt, t_mod. It runs once per step (shared) or once per branch: <see cref="FlopShape.CondPerBranch"/>.</summary>
    public static double Cond(FlopShape s)
    {
        double h = s.Dims.HiddenSize;
        var timestep = 2 * (256 * h + h * h);                   // TimestepEmbedding: sinusoid 256 → D → D
        if (IsJoint(s))
            return timestep + 2 * (s.PooledWidth * h + h * h)   // SD3's and FLUX's pooled text projection P → D → D
                + (s.GuidanceEmbedding ? timestep : 0);         // FLUX.1-dev's guidance embedder, shaped as the timestep's
        var cond = timestep + 2 * h * 6 * h;                    // PixArt's adaln_single.linear → t_mod
        if (s.MicroConditions)
        {
            double w = s.Dims.HiddenSize / 3;                   // each size embedding is D / 3 wide
            cond += 3 * 2 * (256 * w + w * w);                  // resolution (2 values) and aspect ratio (1)
        }
        return cond;
    }

    /// <summary>The caption stage of one branch, once per prompt: PixArt's caption projection and every
    /// layer's cross-attention K/V; SD3's context embedder over the L text rows.</summary>
    public static double Caption(FlopShape s)
    {
        var d = s.Dims;
        double h = d.HiddenSize;
        if (IsJoint(s))
            return 2.0 * s.Geometry.PrefixRows * d.CaptionChannels * h;
        double l = s.CaptionTokens;
        var crossLayers = s.BlockKinds.Count(k => k == BlockKind.Cross);
        return 2 * l * (d.CaptionChannels * h + h * h)          // caption_projection: C → D → D
            + crossLayers * 2 * 2 * l * h * h;                  // to_k and to_v of every cross-attention
    }

    /// <summary>A whole generation: the caption stage once per branch, then each step that computes
    /// anything (n &gt; 0; a step of n = 0 runs nothing) its cond runs and its forward per branch.</summary>
    public static double Generation(FlopShape s, IReadOnlyList<int> tokensPerStep, int branches)
    {
        var condRuns = s.CondPerBranch ? branches : 1;
        var total = branches * Caption(s);
        foreach (var n in tokensPerStep)
            if (n > 0) total += condRuns * Cond(s) + branches * Forward(s, n);
        return total;
    }

    /// <summary>Dense FLOPs (every step all N tokens) over those of the token counts computed.</summary>
    public static double IdealSpeedup(FlopShape s, IReadOnlyList<int> tokensPerStep, int branches)
    {
        var jano = Generation(s, tokensPerStep, branches);
        var dense = Generation(s, Enumerable.Repeat(s.Geometry.Tokens, tokensPerStep.Count).ToList(), branches);
        return jano == 0 ? double.PositiveInfinity : dense / jano;
    }

    private static bool IsJoint(FlopShape s) => s.BlockKinds.Any(k => k != BlockKind.Cross);

    /// <summary>Parameters implied by the dims (weights and biases), for reports.</summary>
    public static long Parameters(FlopShape s)
    {
        var (d, g) = (s.Dims, s.Geometry);
        long h = d.HiddenSize, m = d.MlpHidden;
        long linear(long i, long o) => i * o + o;
        if (!IsJoint(s))
        {
            long blocks = d.Depth * (6 * h + 8 * linear(h, h) + linear(h, m) + linear(m, h));
            return linear(256, h) + linear(h, h) + linear(h, 6 * h) + linear(d.CaptionChannels, h) + linear(h, h)
                + linear(g.PatchInputWidth, h) + blocks + 2 * h + linear(h, g.PatchOutputWidth);
        }
        long stream(long mod) => linear(h, mod) + 3 * linear(h, h);  // modulation, q, k, v
        long outAndMlp = linear(h, h) + linear(h, m) + linear(m, h);
        long total = 0;
        foreach (var kind in s.BlockKinds)
        {
            if (kind == BlockKind.Single)
            {
                total += linear(h, 3 * h) + 3 * linear(h, h) + linear(h, m) + linear(h + m, h) + 4 * d.HeadDim; // + q/k RMS norms
                continue;
            }
            bool last = kind is BlockKind.JointLast or BlockKind.JointDualLast, dual = BlockKind.HasImageAttention(kind);
            total += stream(dual ? 9 * h : 6 * h) + outAndMlp;                 // image stream
            total += stream(last ? 2 * h : 6 * h) + (last ? 0 : outAndMlp);   // context stream
            if (dual) total += 4 * linear(h, h);                              // attn2
        }
        return total + linear(g.PatchInputWidth, h)                          // patch embedding
            + linear(256, h) + linear(h, h) + linear(s.PooledWidth, h) + linear(h, h) // time and pooled text embedding
            + (s.GuidanceEmbedding ? linear(256, h) + linear(h, h) : 0)       // guidance embedding
            + linear(d.CaptionChannels, h)                                    // context embedder
            + linear(h, 2 * h) + linear(h, g.PatchOutputWidth);                // norm_out, proj_out
    }
}
