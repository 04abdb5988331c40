namespace Jano.Eval;

/// <summary>
/// Eigen-decompositions of real symmetric matrices (row-major n × n doubles). Eigenvalues come in
/// descending order; eigenvector i is row i of <see cref="Vectors"/> (n values), unit length, its
/// sign fixed so that its largest-magnitude component is positive (deterministic output).
/// </summary>
public sealed record SymmetricEigen(double[] Values, double[] Vectors, int Dimension)
{
    public ReadOnlySpan<double> Vector(int i) => Vectors.AsSpan(i * Dimension, Dimension);

    /// <summary>
    /// Every eigenpair by cyclic Jacobi rotations: each rotation zeroes one off-diagonal pair, sweeps
    /// repeat until the off-diagonal mass is negligible (quadratic convergence, typically 6–10 sweeps).
    /// O(n³) per sweep: meant for the small matrices here (Fréchet covariances, Rayleigh–Ritz
    /// projections), not for n in the thousands.
    /// </summary>
    public static SymmetricEigen Jacobi(ReadOnlySpan<double> matrix, int n)
    {
        CheckSquare(matrix, n);
        var a = matrix.ToArray();
        var v = new double[n * n];
        for (var i = 0; i < n; i++) v[i * n + i] = 1;
        double scale = 0;
        foreach (var x in a) scale += x * x;
        for (var sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (var p = 0; p < n; p++)
                for (var q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
            if (off <= 1e-26 * scale) break; // off-diagonal mass at 1e-13 of the matrix's: roundoff level
            for (var p = 0; p < n; p++)
                for (var q = p + 1; q < n; q++)
                    Rotate(a, v, n, p, q);
        }
        var values = new double[n];
        for (var i = 0; i < n; i++) values[i] = a[i * n + i];
        // V's columns are the eigenvectors; return them as rows.
        var vectors = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var k = 0; k < n; k++) vectors[i * n + k] = v[k * n + i];
        return Sorted(values, vectors, n, n);
    }

    /// <summary>
    /// The <paramref name="count"/> largest eigenpairs of a positive semi-definite matrix (a
    /// covariance) by subspace iteration: a block of
    /// b = min(n, 2·count + 16) orthonormal vectors is multiplied by the matrix, its Rayleigh–Ritz
    /// projection (b × b) is solved by <see cref="Jacobi"/>, and the Ritz vectors are
    /// re-orthonormalised (modified Gram–Schmidt), until every wanted pair's residual
    /// |A v − λ v| is below <paramref name="tolerance"/> × |λ₁|. The spare vectors make the rate
    /// (λ_b / λ_count) per iteration rather than (λ_count+1 / λ_count). Costs O(n² b) per iteration,
    /// against O(n³) per Jacobi sweep of the whole matrix — for a 784 × 784 pixel covariance and 32
    /// components, hundreds of times less. When b = n this is an exact decomposition in one step.
    /// </summary>
    public static SymmetricEigen Largest(double[] matrix, int n, int count, double tolerance = 1e-7, int maxIterations = 3000, int threads = 0)
    {
        CheckSquare(matrix, n);
        if (count < 1 || count > n) throw new ArgumentException($"count must be between 1 and {n}, got {count}");
        var b = Math.Min(n, 2 * count + 16);
        var random = new Random(12345);
        var q = new double[b * n];
        for (var i = 0; i < q.Length; i++) q[i] = random.NextDouble() - 0.5;
        Orthonormalize(q, b, n, random);
        var z = new double[b * n];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : -1 };
        SymmetricEigen? ritz = null;
        double[] ritzVectors = q;
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            Multiply(matrix, n, q, z, b, parallel);
            var h = new double[b * b];
            for (var i = 0; i < b; i++)
                for (var j = i; j < b; j++)
                    h[i * b + j] = h[j * b + i] = Dot(q.AsSpan(i * n, n), z.AsSpan(j * n, n));
            ritz = Jacobi(h, b);
            ritzVectors = Combine(ritz.Vectors, b, q, n);
            var images = Combine(ritz.Vectors, b, z, n); // A times each Ritz vector
            var limit = tolerance * Math.Max(Math.Abs(ritz.Values[0]), double.Epsilon);
            var converged = true;
            for (var i = 0; i < count && converged; i++)
            {
                double r = 0;
                for (var k = 0; k < n; k++)
                {
                    var d = images[i * n + k] - ritz.Values[i] * ritzVectors[i * n + k];
                    r += d * d;
                }
                converged = Math.Sqrt(r) <= limit;
            }
            if (converged || b == n) break;
            q = images;
            Orthonormalize(q, b, n, random);
        }
        var values = ritz!.Values.AsSpan(0, count).ToArray();
        return Sorted(values, ritzVectors.AsSpan(0, count * n).ToArray(), count, n);
    }

    /// <summary>
    /// One Jacobi rotation in the (p, q) plane chosen to zero a[p, q]: A ← Jᵀ A J, V ← V J, with
    /// J = [[c, s], [−s, c]] in rows/columns p, q and t = tan φ the smaller root of t² + 2θt − 1 = 0,
    /// θ = (a_qq − a_pp) / (2 a_pq).
    /// </summary>
    private static void Rotate(double[] a, double[] v, int n, int p, int q)
    {
        var apq = a[p * n + q];
        if (apq == 0) return;
        var theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        var t = Math.Abs(theta) > 1e150
            ? 1 / (2 * theta)
            : Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        var c = 1 / Math.Sqrt(t * t + 1);
        var s = t * c;
        for (var k = 0; k < n; k++) // columns p and q
        {
            double akp = a[k * n + p], akq = a[k * n + q];
            a[k * n + p] = c * akp - s * akq;
            a[k * n + q] = s * akp + c * akq;
        }
        for (var k = 0; k < n; k++) // rows p and q
        {
            double apk = a[p * n + k], aqk = a[q * n + k];
            a[p * n + k] = c * apk - s * aqk;
            a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = a[q * n + p] = 0;
        for (var k = 0; k < n; k++)
        {
            double vkp = v[k * n + p], vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }

    /// <summary>Sorts pairs by descending eigenvalue and fixes each vector's sign.</summary>
    private static SymmetricEigen Sorted(double[] values, double[] rows, int count, int n)
    {
        var order = Enumerable.Range(0, count).OrderByDescending(i => values[i]).ThenBy(i => i).ToArray();
        var sortedValues = new double[count];
        var sortedRows = new double[count * n];
        for (var r = 0; r < count; r++)
        {
            sortedValues[r] = values[order[r]];
            var src = rows.AsSpan(order[r] * n, n);
            var dst = sortedRows.AsSpan(r * n, n);
            src.CopyTo(dst);
            var largest = 0;
            for (var k = 1; k < n; k++) if (Math.Abs(dst[k]) > Math.Abs(dst[largest])) largest = k;
            if (dst[largest] < 0) foreach (ref var x in dst) x = -x;
        }
        return new SymmetricEigen(sortedValues, sortedRows, n);
    }

    /// <summary>z_i = A q_i for each of the b rows of q.</summary>
    private static void Multiply(double[] a, int n, double[] q, double[] z, int b, ParallelOptions parallel) =>
        Parallel.For(0, n, parallel, row =>
        {
            var aRow = a.AsSpan(row * n, n);
            for (var i = 0; i < b; i++) z[i * n + row] = Dot(aRow, q.AsSpan(i * n, n));
        });

    /// <summary>Row i of the result = Σ_j w[i, j] · basis row j (w's rows are the Ritz coefficients).</summary>
    private static double[] Combine(double[] w, int b, double[] basis, int n)
    {
        var result = new double[b * n];
        for (var i = 0; i < b; i++)
        {
            var dst = result.AsSpan(i * n, n);
            for (var j = 0; j < b; j++)
            {
                var c = w[i * b + j];
                if (c == 0) continue;
                var src = basis.AsSpan(j * n, n);
                for (var k = 0; k < n; k++) dst[k] += c * src[k];
            }
        }
        return result;
    }

    /// <summary>
    /// Modified Gram–Schmidt, applied twice (one pass loses orthogonality when vectors are nearly
    /// dependent). A vector that vanishes (the matrix has lower rank than the block) is replaced by
    /// a random one and orthogonalised again.
    /// </summary>
    private static void Orthonormalize(double[] q, int b, int n, Random random)
    {
        for (var i = 0; i < b; i++)
        {
            var v = q.AsSpan(i * n, n);
            for (var attempt = 0; ; attempt++)
            {
                var before = Math.Sqrt(Dot(v, v));
                for (var pass = 0; pass < 2; pass++)
                    for (var j = 0; j < i; j++)
                    {
                        var u = q.AsSpan(j * n, n);
                        var d = Dot(u, v);
                        for (var k = 0; k < n; k++) v[k] -= d * u[k];
                    }
                var norm = Math.Sqrt(Dot(v, v));
                if (norm > 1e-10 * before && norm > 0)
                {
                    for (var k = 0; k < n; k++) v[k] /= norm;
                    break;
                }
                if (attempt == 10) throw new InvalidOperationException("could not complete an orthonormal basis");
                for (var k = 0; k < n; k++) v[k] = random.NextDouble() - 0.5;
            }
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private static void CheckSquare(ReadOnlySpan<double> matrix, int n)
    {
        if (n < 1) throw new ArgumentException($"matrix size must be at least 1, got {n}");
        if (matrix.Length != n * n) throw new ArgumentException($"{matrix.Length} values are not a {n}×{n} matrix");
    }
}
