using Jano.Eval;

namespace Jano.Tests.Eval;

/// <summary>The Fréchet distance against cases with known values.</summary>
public class FrechetDistanceTests
{
    [Test]
    public void IdenticalSetsAreAtDistanceZero()
    {
        var a = TestData.Normal(500 * 6, seed: 1);
        Assert.That(FrechetDistance.Compute(a, a, 6), Is.EqualTo(0).Within(1e-9));
    }

    [Test]
    public void PureMeanShiftGivesTheSquaredShift()
    {
        // The same samples moved by δ: equal covariances, so only |δ|² remains.
        const int dim = 5;
        var a = TestData.Normal(400 * dim, seed: 2);
        float[] delta = [1, -2, 0.5f, 0, 3];
        var b = a.Select((v, i) => v + delta[i % dim]).ToArray();
        var expected = delta.Sum(d => (double)d * d);
        Assert.That(FrechetDistance.Compute(a, b, dim), Is.EqualTo(expected).Within(1e-4));
    }

    [Test]
    public void OneDimensionalGaussiansFollowTheClosedForm()
    {
        // d² = (μ₁ − μ₂)² + (σ₁ − σ₂)²
        var a = new GaussianStats([1.0], [4.0], 1, 100);     // μ = 1, σ = 2
        var b = new GaussianStats([-2.0], [0.25], 1, 100);   // μ = −2, σ = 0.5
        Assert.That(FrechetDistance.Compute(a, b), Is.EqualTo(9 + 1.5 * 1.5).Within(1e-12));
    }

    [Test]
    public void DiagonalCovariancesSumPerAxis()
    {
        var a = new GaussianStats([0, 0, 0], Diagonal(1, 4, 9), 3, 10);
        var b = new GaussianStats([0, 1, 0], Diagonal(4, 4, 1), 3, 10);
        // Δμ² = 1; Σ (σ₁ − σ₂)² = 1 + 0 + 4.
        Assert.That(FrechetDistance.Compute(a, b), Is.EqualTo(6).Within(1e-10));
    }

    [Test]
    public void IsSymmetricForNonCommutingCovariances()
    {
        var a = GaussianStats.Of(TestData.Normal(50 * 4, seed: 3), 4);
        var b = GaussianStats.Of(TestData.Normal(80 * 4, seed: 4, std: 2), 4);
        var ab = FrechetDistance.Compute(a, b);
        Assert.That(ab, Is.GreaterThan(0));
        Assert.That(FrechetDistance.Compute(b, a), Is.EqualTo(ab).Within(1e-9 * ab));
    }

    [Test]
    public void StatsUseTheUnbiasedCovariance()
    {
        var s = GaussianStats.Of([1, 3, 5], 1);
        Assert.That(s.Mean[0], Is.EqualTo(3));
        Assert.That(s.Covariance[0], Is.EqualTo(4), "((−2)² + 0 + 2²) / (3 − 1)");
        Assert.Throws<ArgumentException>(() => GaussianStats.Of([1], 1));
        Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(s, GaussianStats.Of([1, 2, 3, 4], 2)));
    }

    private static double[] Diagonal(params double[] d)
    {
        var m = new double[d.Length * d.Length];
        for (var i = 0; i < d.Length; i++) m[i * d.Length + i] = d[i];
        return m;
    }
}
