namespace Jano.Eval;

/// <summary>
/// The Fréchet (2-Wasserstein) distance between two Gaussians, the statistic behind FID:
/// d² = |μ₁ − μ₂|² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½).
/// The trace of the matrix square root is the sum of the square roots of the eigenvalues of the
/// symmetric PSD matrix Σ₁^½ Σ₂ Σ₁^½, so everything is symmetric eigen-decompositions
/// (<see cref="SymmetricEigen.Jacobi"/>); eigenvalues that roundoff pushes below zero count as zero.
/// It is the squared distance (FID convention), in squared feature units. Estimated from samples it is
/// biased upwards, more so for fewer samples: compare values computed from equal sample counts.
/// </summary>
public static class FrechetDistance
{
    public static double Compute(GaussianStats a, GaussianStats b)
    {
        if (a.Dimension != b.Dimension) throw new ArgumentException($"feature dimensions differ: {a.Dimension} and {b.Dimension}");
        var n = a.Dimension;
        double meanTerm = 0;
        for (var i = 0; i < n; i++) meanTerm += (a.Mean[i] - b.Mean[i]) * (a.Mean[i] - b.Mean[i]);
        double traceA = 0, traceB = 0;
        for (var i = 0; i < n; i++) { traceA += a.Covariance[i * n + i]; traceB += b.Covariance[i * n + i]; }
        var rootA = SquareRoot(a.Covariance, n);
        var product = Multiply(Multiply(rootA, b.Covariance, n), rootA, n);
        Symmetrize(product, n); // exact in theory; removes roundoff asymmetry before the symmetric solver
        var crossTrace = SymmetricEigen.Jacobi(product, n).Values.Sum(v => Math.Sqrt(Math.Max(v, 0)));
        return Math.Max(0, meanTerm + traceA + traceB - 2 * crossTrace);
    }

    /// <summary>The distance between the Gaussians fitted to two feature sets (each row-major, dimension values per vector).</summary>
    public static double Compute(ReadOnlySpan<float> features1, ReadOnlySpan<float> features2, int dimension) =>
        Compute(GaussianStats.Of(features1, dimension), GaussianStats.Of(features2, dimension));

    /// <summary>The PSD square root V diag(√λ) Vᵀ of a symmetric matrix.</summary>
    private static double[] SquareRoot(double[] matrix, int n)
    {
        var eigen = SymmetricEigen.Jacobi(matrix, n);
        var root = new double[n * n];
        for (var k = 0; k < n; k++)
        {
            var s = Math.Sqrt(Math.Max(eigen.Values[k], 0));
            if (s == 0) continue;
            var v = eigen.Vector(k);
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++) root[i * n + j] += s * v[i] * v[j];
        }
        return root;
    }

    private static double[] Multiply(double[] x, double[] y, int n)
    {
        var r = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var k = 0; k < n; k++)
            {
                var xik = x[i * n + k];
                for (var j = 0; j < n; j++) r[i * n + j] += xik * y[k * n + j];
            }
        return r;
    }

    private static void Symmetrize(double[] m, int n)
    {
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
                m[i * n + j] = m[j * n + i] = 0.5 * (m[i * n + j] + m[j * n + i]);
    }
}
