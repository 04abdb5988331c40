using Jano.Core.Geometry;

namespace Jano.Core.Packages;

/// <summary>
/// Multiply-add FLOPs (2 per MAC) of one transformer forward pass. Used for `jano info` and for
/// Jano's ideal speed-up: dense FLOPs over the FLOPs of the token counts each step actually computed.
/// Element-wise work (norms, activations, modulation) is left out: it is a few percent at these sizes.
/// </summary>
public static class FlopCounter
{
    /// <summary>FLOPs of one forward pass for one batch item where <paramref name="queries"/> tokens are
    /// computed against <paramref name="keys"/> keys/values and a caption of <paramref name="textTokens"/>.</summary>
    public static double Forward(ModelDims d, LatentGeometry g, int queries, int keys, int textTokens)
    {
        double n = queries, m = keys, l = textTokens, h = d.HiddenSize;
        double embed = 2 * n * g.PatchInputWidth * h;
        double perBlock =
            2 * n * h * 3 * h          // fused QKV
            + 2 * 2 * n * m * h        // scores and weighted values over all heads
            + 2 * n * h * h            // self-attention out projection
            + 2 * n * h * h            // cross-attention query
            + 2 * 2 * n * l * h        // cross-attention scores and values
            + 2 * n * h * h            // cross-attention out projection
            + 2 * 2 * n * h * d.MlpHidden; // MLP up and down
        double final = 2 * n * h * g.PatchOutputWidth;
        return embed + d.Depth * perBlock + final;
    }

    /// <summary>Parameters implied by the dims (weights and biases), for reports.</summary>
    public static long Parameters(ModelDims d, LatentGeometry g)
    {
        long h = d.HiddenSize;
        long linear(long i, long o) => i * o + o;
        long blocks = d.Depth * (6 * h + 8 * linear(h, h) + linear(h, d.MlpHidden) + linear(d.MlpHidden, h));
        return linear(256, h) + linear(h, h) + linear(h, 6 * h) + linear(d.CaptionChannels, h) + linear(h, h)
            + linear(g.PatchInputWidth, h) + blocks + 2 * h + linear(h, g.PatchOutputWidth);
    }
}
