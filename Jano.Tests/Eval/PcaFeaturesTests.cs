using Jano.Eval;

namespace Jano.Tests.Eval;

/// <summary>PCA on synthetic data whose principal directions are known.</summary>
public class PcaFeaturesTests
{
    [Test]
    public void FindsTheDominantDirectionAndItsVariance()
    {
        // 2000 points t·u + small isotropic noise in 10-d, u ∝ (1, 2, …, 10), t ~ N(0, 3²): the first component is
        // u with variance ≈ 9, the others hold only the noise (σ = 0.1, variance 0.01 each).
        const int dim = 10, count = 2000;
        var u = Enumerable.Range(1, dim).Select(i => (double)i).ToArray();
        var norm = Math.Sqrt(u.Sum(x => x * x));
        u = u.Select(x => x / norm).ToArray();
        var t = TestData.Normal(count, seed: 1, std: 3);
        var noise = TestData.Normal(count * dim, seed: 2, std: 0.1);
        var data = new float[count * dim];
        for (var i = 0; i < count; i++)
            for (var d = 0; d < dim; d++) data[i * dim + d] = (float)(5 + t[i] * u[d]) + noise[i * dim + d];

        var pca = PcaFeatures.Fit(data, dim, components: 3, threads: 2);
        Assert.Multiple(() =>
        {
            Assert.That(pca.Mean, Is.All.EqualTo(5f).Within(0.2f));
            Assert.That(pca.Components.Take(dim).Select(x => (double)x), Is.EqualTo(u).Within(0.01), "sign fixed: largest component positive");
            Assert.That(pca.Variances[0], Is.EqualTo(Variance(TestData.ToDouble(t))).Within(0.05));
            Assert.That(pca.Variances[1], Is.EqualTo(0.01).Within(0.003));
            Assert.That(pca.TotalVariance, Is.EqualTo(pca.Variances[0] + (dim - 1) * 0.01).Within(0.05));
            Assert.That(pca.ExplainedVariance, Is.GreaterThan(0.99));
        });

        // Projection: the first coordinate is the position along u (t plus noise), centred.
        var projected = pca.Project(data);
        Assert.That(projected, Has.Length.EqualTo(count * 3));
        var tMean = t.Average();
        for (var i = 0; i < 5; i++)
            Assert.That(projected[i * 3], Is.EqualTo(t[i] - tMean).Within(0.5));
    }

    [Test]
    public void ComponentsAreOrthonormal()
    {
        const int dim = 30;
        var data = TestData.Normal(300 * dim, seed: 4);
        var pca = PcaFeatures.Fit(data, dim, components: 5);
        for (var i = 0; i < 5; i++)
            for (var j = 0; j < 5; j++)
            {
                double dot = 0;
                for (var d = 0; d < dim; d++) dot += pca.Components[i * dim + d] * pca.Components[j * dim + d];
                Assert.That(dot, Is.EqualTo(i == j ? 1 : 0).Within(1e-5), $"({i}, {j})");
            }
        Assert.That(pca.Variances, Is.Ordered.Descending);
    }

    [Test]
    public void CovarianceOverSeveralChunksMatchesDirectComputation()
    {
        // 600 vectors span three 256-sample chunks, the last one partial; 7 dims is not a multiple of 4.
        const int dim = 7, count = 600;
        var data = TestData.Normal(count * dim, seed: 8, std: 2);
        var pca = PcaFeatures.Fit(data, dim, components: dim);
        var direct = GaussianStats.Of(data, dim);
        double trace = 0;
        for (var d = 0; d < dim; d++) trace += direct.Covariance[d * dim + d];
        Assert.That(pca.TotalVariance, Is.EqualTo(trace).Within(1e-4 * trace));
        var eigen = SymmetricEigen.Jacobi(direct.Covariance, dim);
        Assert.That(pca.Variances, Is.EqualTo(eigen.Values).Within(1e-4 * eigen.Values[0]));
    }

    [Test]
    public void BadInputIsRejected()
    {
        Assert.Throws<ArgumentException>(() => PcaFeatures.Fit([1, 2, 3], 2));
        Assert.Throws<ArgumentException>(() => PcaFeatures.Fit([1, 2], 2), "one vector");
        Assert.Throws<ArgumentException>(() => PcaFeatures.Fit([1, 2, 3, 4], 2, components: 3));
    }

    private static double Variance(double[] x)
    {
        var m = x.Average();
        return x.Sum(v => (v - m) * (v - m)) / (x.Length - 1);
    }
}
