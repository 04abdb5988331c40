namespace Jano.Eval;

/// <summary>The mean and covariance (row-major, Dimension × Dimension) of a set of feature vectors.</summary>
public sealed record GaussianStats(double[] Mean, double[] Covariance, int Dimension, int Count)
{
    /// <summary>Mean and unbiased covariance (1/(count − 1), as FID does) of features.Length / dimension vectors.</summary>
    public static GaussianStats Of(ReadOnlySpan<float> features, int dimension)
    {
        if (dimension < 1 || features.Length % dimension != 0)
            throw new ArgumentException($"{features.Length} values are not a whole number of {dimension}-value feature vectors");
        var count = features.Length / dimension;
        if (count < 2) throw new ArgumentException($"a covariance needs at least 2 feature vectors, got {count}");
        var mean = new double[dimension];
        for (var i = 0; i < count; i++)
            for (var d = 0; d < dimension; d++) mean[d] += features[i * dimension + d];
        for (var d = 0; d < dimension; d++) mean[d] /= count;
        var cov = new double[dimension * dimension];
        var centred = new double[dimension];
        for (var i = 0; i < count; i++)
        {
            for (var d = 0; d < dimension; d++) centred[d] = features[i * dimension + d] - mean[d];
            for (var a = 0; a < dimension; a++)
                for (var b = a; b < dimension; b++) cov[a * dimension + b] += centred[a] * centred[b];
        }
        for (var a = 0; a < dimension; a++)
            for (var b = a; b < dimension; b++)
                cov[a * dimension + b] = cov[b * dimension + a] = cov[a * dimension + b] / (count - 1);
        return new GaussianStats(mean, cov, dimension, count);
    }
}
