using Jano.Export.PixArt;

namespace Jano.Tests.Export;

/// <summary>
/// A plain double-precision forward of diffusers' PixArtTransformer2DModel, written from the
/// architecture's description with simple loops and no code shared with the exporter (only the
/// weights record, which is plain data). It is the oracle the exported graphs are checked against.
/// Tensors are row-major double arrays; one batch item at a time.
/// </summary>
public sealed class PixArtReference(PixArtConfig c, PixArtWeights w)
{
    private int D => c.HiddenSize;

    /// <summary>Whole model: sample [C, S, S], timestep, text [L, caption] → [C_out, S, S].</summary>
    public double[] Forward(double[] sample, double timestep, double[] text, int textTokens)
    {
        var h = Embed(sample);
        var (tMod, tEmb) = Condition(timestep);
        var caption = Caption(text, textTokens);
        for (var i = 0; i < c.NumLayers; i++)
        {
            var (ck, cv) = CrossKeyValues(i, caption, textTokens);
            var (q, k, v) = Pre(i, h, tMod);
            var attention = Attention(q, k, v, c.Tokens, c.Tokens, 1.0 / Math.Sqrt(c.HeadDim));
            h = Post(i, h, attention, tMod, ck, cv, textTokens);
        }
        return Unpatchify(Final(h, tEmb));
    }

    /// <summary>Patch convolution (kernel = stride = p) on [C, S, S] plus the sin-cos position table → [N, D].</summary>
    public double[] Embed(double[] sample)
    {
        int p = c.PatchSize, g = c.GridSize, s = c.SampleSize, ch = c.InChannels;
        var pos = Positions();
        var h = new double[c.Tokens * D];
        for (var row = 0; row < g; row++)
            for (var col = 0; col < g; col++)
            {
                var token = row * g + col;
                for (var d = 0; d < D; d++)
                {
                    double acc = w.PatchBias[d];
                    for (var k = 0; k < ch; k++)
                        for (var i = 0; i < p; i++)
                            for (var j = 0; j < p; j++)
                                acc += w.PatchConv[((d * ch + k) * p + i) * p + j] * sample[(k * s + row * p + i) * s + col * p + j];
                    h[token * D + d] = acc + pos[token * D + d];
                }
            }
        return h;
    }

    /// <summary>get_2d_sincos_pos_embed: meshgrid(w, h); the first half encodes grid[0] (columns), the second rows.</summary>
    public double[] Positions()
    {
        int g = c.GridSize, baseSize = c.SampleSize / c.PatchSize;
        var table = new double[g * g * D];
        int e = D / 2, quarter = e / 2;
        for (var row = 0; row < g; row++)
            for (var col = 0; col < g; col++)
            {
                double x = col / ((double)g / baseSize) / c.InterpolationScale;
                double y = row / ((double)g / baseSize) / c.InterpolationScale;
                var o = (row * g + col) * D;
                for (var k = 0; k < quarter; k++)
                {
                    var omega = 1.0 / Math.Pow(10000, (double)k / quarter);
                    table[o + k] = Math.Sin(x * omega);
                    table[o + quarter + k] = Math.Cos(x * omega);
                    table[o + e + k] = Math.Sin(y * omega);
                    table[o + e + quarter + k] = Math.Cos(y * omega);
                }
            }
        return table;
    }

    public (double[] TMod, double[] TEmb) Condition(double t)
    {
        var proj = new double[256];
        for (var k = 0; k < 128; k++)
        {
            var arg = t * Math.Exp(-Math.Log(10000) * k / 128.0);
            proj[k] = Math.Cos(arg);
            proj[128 + k] = Math.Sin(arg);
        }
        var e = Linear(Silu(Linear(proj, 1, w.TimestepLinear1)), 1, w.TimestepLinear2);
        return (Linear(Silu(e), 1, w.AdaLinear), e);
    }

    public double[] Caption(double[] text, int tokens) =>
        Linear(GeluTanh(Linear(text, tokens, w.CaptionLinear1)), tokens, w.CaptionLinear2);

    public (double[] K, double[] V) CrossKeyValues(int layer, double[] caption, int tokens) =>
        (Linear(caption, tokens, w.Blocks[layer].CrossK), Linear(caption, tokens, w.Blocks[layer].CrossV));

    public (double[] Q, double[] K, double[] V) Pre(int layer, double[] h, double[] tMod)
    {
        var b = w.Blocks[layer];
        var n = h.Length / D;
        var m = Modulated(LayerNorm(h), Row(b, tMod, 1), Row(b, tMod, 0));
        return (Linear(m, n, b.SelfQ), Linear(m, n, b.SelfK), Linear(m, n, b.SelfV));
    }

    public double[] Post(int layer, double[] h, double[] attention, double[] tMod, double[] ck, double[] cv, int textTokens)
    {
        var b = w.Blocks[layer];
        var n = h.Length / D;
        var x = (double[])h.Clone();
        AddGated(x, Linear(attention, n, b.SelfOut), Row(b, tMod, 2));
        var q = Linear(x, n, b.CrossQ);
        var cross = Linear(Attention(q, ck, cv, n, textTokens, 1.0 / Math.Sqrt(c.HeadDim)), n, b.CrossOut);
        for (var i = 0; i < x.Length; i++) x[i] += cross[i];
        var m = Modulated(LayerNorm(x), Row(b, tMod, 4), Row(b, tMod, 3));
        var ff = Linear(GeluTanh(Linear(m, n, b.MlpUp)), n, b.MlpDown);
        AddGated(x, ff, Row(b, tMod, 5));
        return x;
    }

    /// <summary>→ patch outputs [n, p·p·C_out].</summary>
    public double[] Final(double[] h, double[] tEmb)
    {
        var n = h.Length / D;
        var shift = new double[D];
        var scale = new double[D];
        for (var j = 0; j < D; j++)
        {
            shift[j] = w.FinalScaleShiftTable[j] + tEmb[j];
            scale[j] = w.FinalScaleShiftTable[D + j] + tEmb[j];
        }
        return Linear(Modulated(LayerNorm(h), scale, shift), n, w.ProjOut);
    }

    /// <summary>[N, p·p·C] with patch values ordered (row, column, channel) → [C, S, S].</summary>
    public double[] Unpatchify(double[] patches)
    {
        int p = c.PatchSize, g = c.GridSize, s = c.SampleSize, co = c.OutChannels;
        var image = new double[co * s * s];
        for (var row = 0; row < g; row++)
            for (var col = 0; col < g; col++)
                for (var i = 0; i < p; i++)
                    for (var j = 0; j < p; j++)
                        for (var k = 0; k < co; k++)
                            image[(k * s + row * p + i) * s + col * p + j] = patches[(row * g + col) * p * p * co + (i * p + j) * co + k];
        return image;
    }

    /// <summary>Multi-head softmax attention: q [n, D] against k, v [m, D].</summary>
    public double[] Attention(double[] q, double[] k, double[] v, int n, int m, double scale)
    {
        int heads = c.NumHeads, hd = c.HeadDim;
        var o = new double[n * D];
        var scores = new double[m];
        for (var head = 0; head < heads; head++)
            for (var i = 0; i < n; i++)
            {
                var max = double.NegativeInfinity;
                for (var j = 0; j < m; j++)
                {
                    double dot = 0;
                    for (var e = 0; e < hd; e++) dot += q[i * D + head * hd + e] * k[j * D + head * hd + e];
                    scores[j] = dot * scale;
                    max = Math.Max(max, scores[j]);
                }
                double sum = 0;
                for (var j = 0; j < m; j++) { scores[j] = Math.Exp(scores[j] - max); sum += scores[j]; }
                for (var e = 0; e < hd; e++)
                {
                    double acc = 0;
                    for (var j = 0; j < m; j++) acc += scores[j] * v[j * D + head * hd + e];
                    o[i * D + head * hd + e] = acc / sum;
                }
            }
        return o;
    }

    private double[] Row(PixArtBlockWeights b, double[] tMod, int row)
    {
        var r = new double[D];
        for (var j = 0; j < D; j++) r[j] = b.ScaleShiftTable[row * D + j] + tMod[row * D + j];
        return r;
    }

    private double[] Modulated(double[] normed, double[] scale, double[] shift)
    {
        var o = new double[normed.Length];
        for (var i = 0; i < o.Length; i++) o[i] = normed[i] * (1 + scale[i % D]) + shift[i % D];
        return o;
    }

    private void AddGated(double[] x, double[] y, double[] gate)
    {
        for (var i = 0; i < x.Length; i++) x[i] += gate[i % D] * y[i];
    }

    private double[] LayerNorm(double[] x)
    {
        var o = new double[x.Length];
        for (var r = 0; r < x.Length / D; r++)
        {
            double mean = 0, variance = 0;
            for (var j = 0; j < D; j++) mean += x[r * D + j];
            mean /= D;
            for (var j = 0; j < D; j++) variance += (x[r * D + j] - mean) * (x[r * D + j] - mean);
            variance /= D;
            var inv = 1 / Math.Sqrt(variance + c.NormEps);
            for (var j = 0; j < D; j++) o[r * D + j] = (x[r * D + j] - mean) * inv;
        }
        return o;
    }

    /// <summary>y = x·Wᵀ + b for <paramref name="rows"/> rows, W in PyTorch layout [out, in].</summary>
    public static double[] Linear(double[] x, int rows, LinearWeights l)
    {
        var y = new double[rows * l.Out];
        for (var r = 0; r < rows; r++)
            for (var o = 0; o < l.Out; o++)
            {
                double acc = l.Bias[o];
                for (var i = 0; i < l.In; i++) acc += x[r * l.In + i] * l.Weight[o * l.In + i];
                y[r * l.Out + o] = acc;
            }
        return y;
    }

    private static double[] Silu(double[] x) => x.Select(v => v / (1 + Math.Exp(-v))).ToArray();

    private static double[] GeluTanh(double[] x) =>
        x.Select(v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))).ToArray();
}
