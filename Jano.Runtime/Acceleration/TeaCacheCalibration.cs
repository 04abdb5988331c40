namespace Jano.Runtime.Acceleration;

/// <summary>
/// TeaCache's rescaling polynomial for one package: a least-squares fit of the model output's relative L1
/// change between consecutive dense steps against the indicator input's (<see cref="TeaCacheGate"/>).
/// Coefficients are highest degree first (numpy.poly1d's order, as the reference stores them), the form
/// of the manifest's acceleration.teaCache.coefficients.
/// </summary>
public static class TeaCacheCalibration
{
    public const int DefaultDegree = 4;

    /// <summary>
    /// The polynomial of <paramref name="degree"/> minimising Σ (poly(x) − y)² over the samples
    /// (x: input change, y: output change), by the normal equations in double with pivoting.
    /// </summary>
    public static double[] Fit(IReadOnlyList<(double InputChange, double OutputChange)> samples, int degree = DefaultDegree)
    {
        if (degree < 0 || degree > 8) throw new ArgumentOutOfRangeException(nameof(degree), degree, "degree must be in [0, 8]");
        if (samples.Count <= degree) throw new ArgumentException($"a degree-{degree} fit needs more than {degree} samples, got {samples.Count}");
        int m = degree + 1;
        var a = new double[m, m + 1];
        foreach (var (x, y) in samples)
        {
            if (!double.IsFinite(x) || !double.IsFinite(y)) throw new ArgumentException($"sample ({x}, {y}) is not finite");
            var powers = new double[2 * m];
            powers[0] = 1;
            for (var k = 1; k < powers.Length; k++) powers[k] = powers[k - 1] * x;
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < m; j++) a[i, j] += powers[i + j];
                a[i, m] += powers[i] * y;
            }
        }
        var ascending = Solve(a, m);
        return ascending.Reverse().ToArray();
    }

    /// <summary>poly(x) with coefficients highest degree first (Horner).</summary>
    public static double Evaluate(IReadOnlyList<double> coefficients, double x)
    {
        double v = 0;
        for (var i = 0; i < coefficients.Count; i++) v = v * x + coefficients[i];
        return v;
    }

    /// <summary>Root mean square of poly(x) − y over the samples: how far the fit is from what the runs did.</summary>
    public static double Rms(IReadOnlyList<double> coefficients, IReadOnlyList<(double InputChange, double OutputChange)> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("the RMS of no samples is undefined");
        double sum = 0;
        foreach (var (x, y) in samples)
        {
            var r = Evaluate(coefficients, x) - y;
            sum += r * r;
        }
        return Math.Sqrt(sum / samples.Count);
    }

    /// <summary>
    /// The (input change, output change) pairs of consecutive steps of dense runs, from each run's model
    /// inputs and guided predictions per step (what `jano calibrate` records).
    /// </summary>
    public static List<(double InputChange, double OutputChange)> Samples(IReadOnlyList<float[]> inputs, IReadOnlyList<float[]> outputs)
    {
        if (inputs.Count != outputs.Count) throw new ArgumentException($"{inputs.Count} inputs but {outputs.Count} outputs");
        var samples = new List<(double, double)>();
        for (var s = 1; s < inputs.Count; s++)
            samples.Add((TeaCacheGate.RelativeL1(inputs[s], inputs[s - 1]), TeaCacheGate.RelativeL1(outputs[s], outputs[s - 1])));
        return samples;
    }

    private static double[] Solve(double[,] a, int m)
    {
        for (var c = 0; c < m; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < m; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c])) pivot = r;
            if (Math.Abs(a[pivot, c]) < 1e-300) throw new ArgumentException("the samples do not determine the polynomial (too few distinct input changes)");
            for (var k = 0; k <= m; k++) (a[c, k], a[pivot, k]) = (a[pivot, k], a[c, k]);
            for (var r = 0; r < m; r++)
            {
                if (r == c) continue;
                var f = a[r, c] / a[c, c];
                for (var k = c; k <= m; k++) a[r, k] -= f * a[c, k];
            }
        }
        var x = new double[m];
        for (var i = 0; i < m; i++) x[i] = a[i, m] / a[i, i];
        return x;
    }
}
