using Jano.Export.Vae;

namespace Jano.Tests.Export.Vae;

/// <summary>
/// A plain double-precision forward of diffusers' AutoencoderKL decode (post_quant_conv, Decoder),
/// written from the architecture with simple loops and no code shared with the graph emitter (only
/// the weights record, which is plain data). The oracle the exported graph is checked against beside
/// diffusers' own golden outputs. Tensors are [C, H, W] row-major doubles; one image at a time.
/// </summary>
public sealed class AutoencoderKlReference(AutoencoderKlConfig c, AutoencoderKlWeights w)
{
    private const double Eps = 1e-6;

    /// <summary>z [C_lat, h, w] (the VAE's latent: no scaling here) → image [out, f·h, f·w].</summary>
    public double[] Decode(double[] z, int h, int width)
    {
        var x = new Tensor(z, c.LatentChannels, h, width);
        if (w.PostQuantConv is { } pq) x = Conv(x, pq);
        x = Conv(x, w.ConvIn);
        x = Resnet(x, w.MidResnet0);
        if (w.MidAttention is { } a) x = Attention(x, a);
        x = Resnet(x, w.MidResnet1);
        foreach (var block in w.UpBlocks)
        {
            foreach (var r in block.Resnets) x = Resnet(x, r);
            if (block.Upsampler is { } up) x = Conv(Upsample(x), up);
        }
        x = Silu(GroupNorm(x, w.NormOut));
        return Conv(x, w.ConvOut).Data;
    }

    private sealed record Tensor(double[] Data, int C, int H, int W)
    {
        public double this[int ch, int y, int x] => Data[(ch * H + y) * W + x];
    }

    private Tensor Resnet(Tensor x, ResnetWeights r)
    {
        var h = Conv(Silu(GroupNorm(x, r.Norm1)), r.Conv1);
        h = Conv(Silu(GroupNorm(h, r.Norm2)), r.Conv2);
        var skip = r.Shortcut is { } s ? Conv(x, s) : x;
        var o = new double[h.Data.Length];
        for (var i = 0; i < o.Length; i++) o[i] = skip.Data[i] + h.Data[i];
        return h with { Data = o };
    }

    /// <summary>Cross-correlation with zero padding k/2 (PyTorch's Conv2d).</summary>
    private static Tensor Conv(Tensor x, Conv2dWeights k)
    {
        int pad = k.Kernel / 2, kk = k.Kernel;
        var o = new double[k.Out * x.H * x.W];
        for (var oc = 0; oc < k.Out; oc++)
            for (var y = 0; y < x.H; y++)
                for (var xx = 0; xx < x.W; xx++)
                {
                    double acc = k.Bias[oc];
                    for (var ic = 0; ic < k.In; ic++)
                        for (var dy = 0; dy < kk; dy++)
                        {
                            var sy = y + dy - pad;
                            if (sy < 0 || sy >= x.H) continue;
                            for (var dx = 0; dx < kk; dx++)
                            {
                                var sx = xx + dx - pad;
                                if (sx < 0 || sx >= x.W) continue;
                                acc += k.Weight[((oc * k.In + ic) * kk + dy) * kk + dx] * x[ic, sy, sx];
                            }
                        }
                    o[(oc * x.H + y) * x.W + xx] = acc;
                }
        return new Tensor(o, k.Out, x.H, x.W);
    }

    /// <summary>Mean and biased variance over each group's channels and all positions, then the per-channel affine.</summary>
    private Tensor GroupNorm(Tensor x, GroupNormWeights n)
    {
        int groups = c.NormNumGroups, per = x.C / groups, plane = x.H * x.W;
        var o = new double[x.Data.Length];
        for (var g = 0; g < groups; g++)
        {
            int start = g * per * plane, count = per * plane;
            double mean = 0;
            for (var i = 0; i < count; i++) mean += x.Data[start + i];
            mean /= count;
            double variance = 0;
            for (var i = 0; i < count; i++) variance += (x.Data[start + i] - mean) * (x.Data[start + i] - mean);
            variance /= count;
            var inv = 1 / Math.Sqrt(variance + Eps);
            for (var ch = g * per; ch < (g + 1) * per; ch++)
                for (var i = 0; i < plane; i++)
                {
                    var at = ch * plane + i;
                    o[at] = (x.Data[at] - mean) * inv * n.Scale[ch] + n.Shift[ch];
                }
        }
        return x with { Data = o };
    }

    private static Tensor Silu(Tensor x) => x with { Data = x.Data.Select(v => v / (1 + Math.Exp(-v))).ToArray() };

    private static Tensor Upsample(Tensor x)
    {
        int h2 = 2 * x.H, w2 = 2 * x.W;
        var o = new double[x.C * h2 * w2];
        for (var ch = 0; ch < x.C; ch++)
            for (var y = 0; y < h2; y++)
                for (var xx = 0; xx < w2; xx++)
                    o[(ch * h2 + y) * w2 + xx] = x[ch, y / 2, xx / 2];
        return new Tensor(o, x.C, h2, w2);
    }

    /// <summary>One head over the h·w positions: softmax(q·kᵀ/√C)·v, output projection, plus the input.</summary>
    private Tensor Attention(Tensor x, SpatialAttentionWeights a)
    {
        int ch = x.C, n = x.H * x.W;
        var normed = GroupNorm(x, a.Norm);
        double[] Project(DenseWeights d, double[] tokens) // tokens [n, C] → [n, C]
        {
            var o = new double[n * ch];
            for (var t = 0; t < n; t++)
                for (var oc = 0; oc < ch; oc++)
                {
                    double acc = d.Bias[oc];
                    for (var ic = 0; ic < ch; ic++) acc += d.Weight[oc * ch + ic] * tokens[t * ch + ic];
                    o[t * ch + oc] = acc;
                }
            return o;
        }
        var tokens = new double[n * ch];
        for (var t = 0; t < n; t++)
            for (var k = 0; k < ch; k++) tokens[t * ch + k] = normed.Data[k * n + t];
        double[] q = Project(a.Q, tokens), key = Project(a.K, tokens), v = Project(a.V, tokens);
        var context = new double[n * ch];
        var scores = new double[n];
        var scale = 1 / Math.Sqrt(ch);
        for (var i = 0; i < n; i++)
        {
            var max = double.NegativeInfinity;
            for (var j = 0; j < n; j++)
            {
                double s = 0;
                for (var k = 0; k < ch; k++) s += q[i * ch + k] * key[j * ch + k];
                scores[j] = s * scale;
                max = Math.Max(max, scores[j]);
            }
            double sum = 0;
            for (var j = 0; j < n; j++) sum += scores[j] = Math.Exp(scores[j] - max);
            for (var j = 0; j < n; j++)
                for (var k = 0; k < ch; k++) context[i * ch + k] += scores[j] / sum * v[j * ch + k];
        }
        var projected = Project(a.Out, context);
        var o = new double[x.Data.Length];
        for (var t = 0; t < n; t++)
            for (var k = 0; k < ch; k++) o[k * n + t] = projected[t * ch + k] + x.Data[k * n + t];
        return x with { Data = o };
    }
}
