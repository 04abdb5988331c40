using System.Numerics.Tensors;

namespace Jano.Eval;

/// <summary>
/// Principal components of a set of vectors: their mean and the top m directions of their covariance,
/// the feature space in which generated and real images are compared (<see cref="FrechetDistance"/>).
/// Pixel space is too large for that: 784 dimensions need far more samples than an evaluation
/// generates for a stable covariance, while m = 32 components hold most of the variance of
/// Fashion-MNIST's training images (82.6%). The covariance is accumulated in double from float chunks; its top
/// eigenvectors come from <see cref="SymmetricEigen.Largest"/>.
/// </summary>
public sealed class PcaFeatures
{
    public const int DefaultComponents = 32;

    /// <summary>Samples per covariance chunk: 256 × 784 floats, transposed, fit the L2 cache.</summary>
    private const int Chunk = 256;

    private PcaFeatures(float[] mean, float[] components, double[] variances, double totalVariance, int dimension)
    {
        Mean = mean;
        Components = components;
        Variances = variances;
        TotalVariance = totalVariance;
        Dimension = dimension;
    }

    public int Dimension { get; }
    public int ComponentCount => Variances.Length;

    /// <summary>The mean of the fitted vectors.</summary>
    public float[] Mean { get; }

    /// <summary>Row i (Dimension values, unit length) is the direction of the i-th largest variance.</summary>
    public float[] Components { get; }

    /// <summary>The variance along each component (covariance eigenvalues), descending.</summary>
    public double[] Variances { get; }

    /// <summary>The trace of the covariance: the variance of all dimensions together.</summary>
    public double TotalVariance { get; }

    /// <summary>The share of the total variance the components hold.</summary>
    public double ExplainedVariance => TotalVariance > 0 ? Variances.Sum() / TotalVariance : 0;

    /// <summary>Fits on vectors.Length / dimension vectors (covariance with 1/(count − 1)); threads 0 = all cores.</summary>
    public static PcaFeatures Fit(float[] vectors, int dimension, int components = DefaultComponents, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (dimension < 1 || vectors.Length % dimension != 0)
            throw new ArgumentException($"{vectors.Length} values are not a whole number of {dimension}-value vectors");
        var count = vectors.Length / dimension;
        if (count < 2) throw new ArgumentException($"PCA needs at least 2 vectors, got {count}");
        if (components < 1 || components > dimension)
            throw new ArgumentException($"components must be between 1 and {dimension}, got {components}");

        var mean = MeanOf(vectors, count, dimension);
        var covariance = Covariance(vectors, count, dimension, mean, threads);
        double trace = 0;
        for (var i = 0; i < dimension; i++) trace += covariance[i * dimension + i];
        var eigen = SymmetricEigen.Largest(covariance, dimension, components, threads: threads);
        var rows = Array.ConvertAll(eigen.Vectors, v => (float)v);
        return new PcaFeatures(mean, rows, eigen.Values, trace, dimension);
    }

    /// <summary>The coordinates of each vector along the components: count × ComponentCount values.</summary>
    public float[] Project(float[] vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Length % Dimension != 0)
            throw new ArgumentException($"{vectors.Length} values are not a whole number of {Dimension}-value vectors");
        var count = vectors.Length / Dimension;
        var m = ComponentCount;
        var result = new float[count * m];
        Parallel.For(0, count, () => new float[Dimension], (i, _, centred) =>
        {
            TensorPrimitives.Subtract(vectors.AsSpan(i * Dimension, Dimension), Mean, centred);
            for (var c = 0; c < m; c++)
                result[i * m + c] = TensorPrimitives.Dot(centred, Components.AsSpan(c * Dimension, Dimension));
            return centred;
        }, _ => { });
        return result;
    }

    private static float[] MeanOf(float[] vectors, int count, int dimension)
    {
        var sum = new double[dimension];
        for (var i = 0; i < count; i++)
        {
            var row = vectors.AsSpan(i * dimension, dimension);
            for (var d = 0; d < dimension; d++) sum[d] += row[d];
        }
        return Array.ConvertAll(sum, s => (float)(s / count));
    }

    /// <summary>
    /// Σ = Xcᵀ Xc / (count − 1). Each chunk of centred samples is transposed so that entry (a, b) is a
    /// dot product of two contiguous columns, computed four columns against two at a time
    /// (<see cref="DotKernel"/>); chunk sums are exact enough in float (256 terms) and are added up in double.
    /// </summary>
    private static double[] Covariance(float[] vectors, int count, int dimension, float[] mean, int threads)
    {
        var sum = new double[dimension * dimension];
        var columns = new float[dimension * Chunk];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : -1 };
        var groups = (dimension + 3) / 4;
        for (var start = 0; start < count; start += Chunk)
        {
            var rows = Math.Min(Chunk, count - start);
            for (var r = 0; r < rows; r++)
            {
                var row = vectors.AsSpan((start + r) * dimension, dimension);
                for (var d = 0; d < dimension; d++) columns[d * Chunk + r] = row[d] - mean[d];
            }
            // The last chunk is shorter: its unused tail must not carry the previous chunk's values.
            if (rows < Chunk)
                for (var d = 0; d < dimension; d++) columns.AsSpan(d * Chunk + rows, Chunk - rows).Clear();
            Parallel.For(0, groups, parallel, () => new float[8], (g, _, dots) =>
            {
                var a = 4 * g;
                ReadOnlySpan<float> Column(int d) => columns.AsSpan(Math.Min(d, dimension - 1) * Chunk, Chunk);
                // Upper triangle only, in pairs of columns b ≥ a; each group of four rows owns its rows of the sum.
                for (var b = a; b < dimension; b += 2)
                {
                    DotKernel.Dot4x2(Column(a), Column(a + 1), Column(a + 2), Column(a + 3), Column(b), Column(b + 1), dots);
                    for (var i = 0; i < 4 && a + i < dimension; i++)
                        for (var j = 0; j < 2 && b + j < dimension; j++)
                            sum[(a + i) * dimension + b + j] += dots[2 * i + j];
                }
                return dots;
            }, _ => { });
        }
        var covariance = new double[dimension * dimension];
        for (var a = 0; a < dimension; a++)
            for (var b = a; b < dimension; b++)
            {
                // Entries below the group diagonal were computed too (a group covers a..a+3); take the upper one.
                var value = sum[a * dimension + b] / (count - 1);
                covariance[a * dimension + b] = covariance[b * dimension + a] = value;
            }
        return covariance;
    }
}
