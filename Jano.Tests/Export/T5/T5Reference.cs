using Jano.Export.Encoders.T5;

namespace Jano.Tests.Export.T5;

/// <summary>
/// A plain double-precision forward of transformers' T5EncoderModel / UMT5EncoderModel, written from
/// the architecture's formulas with loops and nothing shared with the exporter but the config and the
/// weight lookup (plain data): the oracle the exported graph is checked against. One batch item at a
/// time; the padding mask follows transformers ((1 − mask) · finfo(float32).min on the keys), so padded
/// rows come out as transformers computes them too.
/// </summary>
public sealed class T5Reference
{
    private readonly T5Config _c;
    private readonly double[] _embedding;
    private readonly Layer[] _layers;
    private readonly double[] _finalNorm;

    private sealed record Layer(double[] Q, double[] K, double[] V, double[] O, double[]? Bias, double[] Norm0,
        double[][] Up, double[] Down, double[] Norm1);

    public T5Reference(T5Config config, T5Weights weights)
    {
        _c = config;
        _embedding = D(weights.Embedding());
        _layers = new Layer[config.NumLayers];
        for (var i = 0; i < config.NumLayers; i++)
            _layers[i] = new Layer(D(weights.Projection(i, "q")), D(weights.Projection(i, "k")), D(weights.Projection(i, "v")), D(weights.Output(i)),
                config.HasRelativeBias(i) ? D(weights.RelativeBias(i)) : null, D(weights.AttentionNorm(i)),
                T5Weights.UpParts(config).Select(p => D(weights.Up(i, p))).ToArray(), D(weights.Down(i)), D(weights.FeedForwardNorm(i)));
        _finalNorm = D(weights.FinalNorm());
    }

    /// <summary>ids and mask of one item, length T → last_hidden_state [T, d_model].</summary>
    public double[] Forward(long[] ids, long[] mask)
    {
        int t = ids.Length, d = _c.DModel, heads = _c.NumHeads, dk = _c.DKv, inner = _c.InnerDim;
        var h = new double[t * d];
        for (var i = 0; i < t; i++) Array.Copy(_embedding, ids[i] * d, h, i * d, d);
        var keyBias = mask.Select(m => m == 1 ? 0.0 : float.MinValue).ToArray();

        double[]? position = null; // [heads, T, T]; T5 keeps block 0's for every layer
        foreach (var layer in _layers)
        {
            if (layer.Bias is not null)
            {
                position = new double[heads * t * t];
                for (var hd = 0; hd < heads; hd++)
                    for (var i = 0; i < t; i++)
                        for (var j = 0; j < t; j++)
                            position[(hd * t + i) * t + j] = layer.Bias[Bucket(j - i) * heads + hd];
            }

            var x = RmsNorm(h, layer.Norm0, t);
            var q = Linear(x, layer.Q, t, d, inner);
            var k = Linear(x, layer.K, t, d, inner);
            var v = Linear(x, layer.V, t, d, inner);
            var context = new double[t * inner];
            var scores = new double[t];
            for (var hd = 0; hd < heads; hd++)
                for (var i = 0; i < t; i++)
                {
                    var max = double.NegativeInfinity;
                    for (var j = 0; j < t; j++)
                    {
                        double s = 0; // no 1/√d_kv: T5 folds it into the q weights
                        for (var e = 0; e < dk; e++) s += q[i * inner + hd * dk + e] * k[j * inner + hd * dk + e];
                        scores[j] = s + position![(hd * t + i) * t + j] + keyBias[j];
                        max = Math.Max(max, scores[j]);
                    }
                    double sum = 0;
                    for (var j = 0; j < t; j++) sum += scores[j] = Math.Exp(scores[j] - max);
                    for (var j = 0; j < t; j++)
                        for (var e = 0; e < dk; e++)
                            context[i * inner + hd * dk + e] += scores[j] / sum * v[j * inner + hd * dk + e];
                }
            AddInPlace(h, Linear(context, layer.O, t, inner, d));

            x = RmsNorm(h, layer.Norm1, t);
            double[] hidden;
            if (_c.IsGated)
            {
                var a = Linear(x, layer.Up[0], t, d, _c.DFf);
                var b = Linear(x, layer.Up[1], t, d, _c.DFf);
                hidden = a.Select((value, i) => Act(value) * b[i]).ToArray();
            }
            else hidden = Linear(x, layer.Up[0], t, d, _c.DFf).Select(Act).ToArray();
            AddInPlace(h, Linear(hidden, layer.Down, t, _c.DFf, d));
        }
        return RmsNorm(h, _finalNorm, t);
    }

    /// <summary>transformers' _relative_position_bucket (bidirectional), evaluated in double.</summary>
    public int Bucket(int relative)
    {
        var half = _c.NumBuckets / 2;
        var bucket = relative > 0 ? half : 0;
        var n = Math.Abs(relative);
        var maxExact = half / 2;
        if (n < maxExact) return bucket + n;
        var large = maxExact + (int)(Math.Log((double)n / maxExact) / Math.Log((double)_c.MaxDistance / maxExact) * (half - maxExact));
        return bucket + Math.Min(large, half - 1);
    }

    private double Act(double x) => _c.Activation switch
    {
        T5Activation.Relu => Math.Max(0, x),
        T5Activation.GeluTanh => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        T5Activation.Gelu => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        T5Activation.Silu => x / (1 + Math.Exp(-x)),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>erf by Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7: far below the tests' 1e-4).</summary>
    private static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + 0.3275911 * x);
        var y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }

    /// <summary>x · 1/√(mean(x²) + eps) · weight per row: no mean subtraction, no bias.</summary>
    private double[] RmsNorm(double[] x, double[] weight, int rows)
    {
        int d = _c.DModel;
        var y = new double[x.Length];
        for (var r = 0; r < rows; r++)
        {
            double ms = 0;
            for (var j = 0; j < d; j++) ms += x[r * d + j] * x[r * d + j];
            var scale = 1 / Math.Sqrt(ms / d + _c.LayerNormEpsilon);
            for (var j = 0; j < d; j++) y[r * d + j] = x[r * d + j] * scale * weight[j];
        }
        return y;
    }

    /// <summary>y = x·Wᵀ with W in PyTorch layout [out, in]; no bias (T5 has none).</summary>
    private static double[] Linear(double[] x, double[] w, int rows, int inF, int outF)
    {
        var y = new double[rows * outF];
        for (var r = 0; r < rows; r++)
            for (var o = 0; o < outF; o++)
            {
                double s = 0;
                for (var i = 0; i < inF; i++) s += x[r * inF + i] * w[o * inF + i];
                y[r * outF + o] = s;
            }
        return y;
    }

    private static void AddInPlace(double[] a, double[] b)
    {
        for (var i = 0; i < a.Length; i++) a[i] += b[i];
    }

    private static double[] D(float[] a) => TestData.ToDouble(a);
}
