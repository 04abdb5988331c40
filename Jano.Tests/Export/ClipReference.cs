using Jano.Export.Encoders.Clip;

namespace Jano.Tests.Export;

/// <summary>
/// A plain double-precision forward of transformers' CLIPTextTransformer, written from its description
/// with simple loops and no code shared with the exporter (only the weights record, plain data):
/// embeddings, pre-LN blocks with causal softmax attention, final norm, EOS pooling, projection.
/// One sequence at a time; tensors row-major.
/// </summary>
public sealed class ClipReference(ClipTextConfig c, ClipTextWeights w)
{
    public sealed record Result(double[] Last, double[] Penultimate, double[] Pooled, double[]? TextEmbeds, int PoolPosition);

    private int D => c.HiddenSize;

    public Result Forward(long[] ids)
    {
        int n = ids.Length;
        var h = new double[n * D];
        for (var t = 0; t < n; t++)
            for (var j = 0; j < D; j++)
                h[t * D + j] = w.TokenEmbedding[ids[t] * D + j] + (double)w.PositionEmbedding[t * D + j];

        double[] penultimate = h;
        for (var layer = 0; layer < c.NumLayers; layer++)
        {
            if (layer == c.NumLayers - 1) penultimate = (double[])h.Clone();
            h = Block(layer, h, n);
        }
        var last = Norm(h, n, w.FinalNorm);

        var pos = PoolPosition(ids);
        var pooled = last.AsSpan(pos * D, D).ToArray();
        double[]? embeds = null;
        if (w.TextProjection is { } p)
        {
            embeds = new double[c.ProjectionDim];
            for (var o = 0; o < c.ProjectionDim; o++)
            {
                double acc = 0;
                for (var j = 0; j < D; j++) acc += p[o * D + j] * pooled[j];
                embeds[o] = acc;
            }
        }
        return new Result(last, penultimate, pooled, embeds, pos);
    }

    /// <summary>eos_token_id 2: argmax of the ids (first of equal maxima); otherwise the first eos_token_id (0 if none).</summary>
    public int PoolPosition(long[] ids)
    {
        if (c.EosTokenId == 2)
        {
            var best = 0;
            for (var t = 1; t < ids.Length; t++) if (ids[t] > ids[best]) best = t;
            return best;
        }
        var first = Array.IndexOf(ids, (long)c.EosTokenId);
        return first < 0 ? 0 : first;
    }

    private double[] Block(int layer, double[] x, int n)
    {
        var b = w.Layers[layer];
        var a = Norm(x, n, b.Norm1);
        var q = Linear(a, n, b.Q.Weight, b.Q.Bias, D, D);
        var k = Linear(a, n, b.K.Weight, b.K.Bias, D, D);
        var v = Linear(a, n, b.V.Weight, b.V.Bias, D, D);
        var context = new double[n * D];
        int heads = c.NumHeads, hd = c.HeadDim;
        var scale = 1.0 / Math.Sqrt(hd);
        var scores = new double[n];
        for (var head = 0; head < heads; head++)
            for (var i = 0; i < n; i++)
            {
                // Causal: query i sees keys 0..i.
                var max = double.NegativeInfinity;
                for (var j = 0; j <= i; j++)
                {
                    double s = 0;
                    for (var e = 0; e < hd; e++) s += q[i * D + head * hd + e] * k[j * D + head * hd + e];
                    scores[j] = s * scale;
                    max = Math.Max(max, scores[j]);
                }
                double sum = 0;
                for (var j = 0; j <= i; j++) sum += scores[j] = Math.Exp(scores[j] - max);
                for (var j = 0; j <= i; j++)
                    for (var e = 0; e < hd; e++)
                        context[i * D + head * hd + e] += scores[j] / sum * v[j * D + head * hd + e];
            }
        var attn = Linear(context, n, b.Out.Weight, b.Out.Bias, D, D);
        var h = new double[n * D];
        for (var i = 0; i < h.Length; i++) h[i] = x[i] + attn[i];

        var m = c.IntermediateSize;
        var up = Linear(Norm(h, n, b.Norm2), n, b.Fc1.Weight, b.Fc1.Bias, D, m);
        for (var i = 0; i < up.Length; i++) up[i] = Activation(up[i]);
        var down = Linear(up, n, b.Fc2.Weight, b.Fc2.Bias, m, D);
        for (var i = 0; i < h.Length; i++) h[i] += down[i];
        return h;
    }

    private double Activation(double x) => c.Activation == ClipActivation.QuickGelu
        ? x / (1 + Math.Exp(-1.702 * x))
        : 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    private double[] Norm(double[] x, int n, ClipNorm norm)
    {
        var y = new double[x.Length];
        for (var t = 0; t < n; t++)
        {
            double mean = 0, variance = 0;
            for (var j = 0; j < D; j++) mean += x[t * D + j];
            mean /= D;
            for (var j = 0; j < D; j++) variance += (x[t * D + j] - mean) * (x[t * D + j] - mean);
            variance /= D;
            var inv = 1 / Math.Sqrt(variance + c.LayerNormEps);
            for (var j = 0; j < D; j++) y[t * D + j] = (x[t * D + j] - mean) * inv * norm.Weight[j] + norm.Bias[j];
        }
        return y;
    }

    private static double[] Linear(double[] x, int n, float[] weight, float[] bias, int inF, int outF)
    {
        var y = new double[n * outF];
        for (var t = 0; t < n; t++)
            for (var o = 0; o < outF; o++)
            {
                double acc = bias[o];
                for (var i = 0; i < inF; i++) acc += weight[o * inF + i] * x[t * inF + i];
                y[t * outF + o] = acc;
            }
        return y;
    }

    /// <summary>erf by Abramowitz–Stegun 7.1.26 is too coarse (1e-7) for a double oracle; this series/continued-fraction pair is ~1e-15.</summary>
    private static double Erf(double x)
    {
        var ax = Math.Abs(x);
        double r;
        if (ax < 2.5)
        {
            // Maclaurin series: erf x = 2/√π Σ (−1)^k x^(2k+1) / (k! (2k+1)).
            double term = ax, sum = ax;
            for (var k = 1; k < 60; k++)
            {
                term *= -ax * ax / k;
                sum += term / (2 * k + 1);
            }
            r = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // erfc by its continued fraction (Lentz), accurate for |x| ≥ 2.5.
            double f = ax, cc = ax, dd = 0;
            for (var k = 1; k < 200; k++)
            {
                var an = k / 2.0;
                dd = ax + an * dd;
                dd = 1 / dd;
                cc = ax + an / cc;
                var delta = cc * dd;
                f *= delta;
                if (Math.Abs(delta - 1) < 1e-16) break;
            }
            r = 1 - Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }
}
