using Jano.Eval;

namespace Jano.Tests.Eval;

/// <summary>The eigen-solvers behind PCA and the Fréchet distance.</summary>
public class SymmetricEigenTests
{
    [Test]
    public void JacobiSolvesATwoByTwoByHand()
    {
        // [[2, 1], [1, 2]]: eigenvalues 3 (along (1, 1)) and 1 (along (1, −1)).
        var e = SymmetricEigen.Jacobi([2, 1, 1, 2], 2);
        Assert.That(e.Values, Is.EqualTo(new[] { 3.0, 1.0 }).Within(1e-12));
        var s = Math.Sqrt(0.5);
        Assert.That(e.Vector(0).ToArray(), Is.EqualTo(new[] { s, s }).Within(1e-12));
        Assert.That(Math.Abs(e.Vector(1)[0] * e.Vector(1)[1] + 0.5), Is.LessThan(1e-12), "(1, −1)/√2 up to sign");
    }

    [Test]
    public void JacobiReconstructsARandomSymmetricMatrix()
    {
        const int n = 12;
        var a = RandomPsd(n, rank: n, seed: 3);
        var e = SymmetricEigen.Jacobi(a, n);
        Assert.That(e.Values, Is.Ordered.Descending);
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var k = 0; k < n; k++) sum += e.Values[k] * e.Vector(k)[i] * e.Vector(k)[j];
                Assert.That(sum, Is.EqualTo(a[i * n + j]).Within(1e-9), $"({i}, {j})");
            }
    }

    [Test]
    public void SubspaceIterationFindsTheLargestPairs()
    {
        // 60 × 60 with b = 2·4 + 16 = 24 < 60, so the iteration (not the one-step exact case) is exercised.
        const int n = 60;
        var a = RandomPsd(n, rank: n, seed: 5);
        var full = SymmetricEigen.Jacobi(a, n);
        var top = SymmetricEigen.Largest(a, n, 4, tolerance: 1e-10);
        Assert.That(top.Values, Is.EqualTo(full.Values.Take(4)).Within(1e-8 * full.Values[0]));
        for (var i = 0; i < 4; i++)
            Assert.That(top.Vector(i).ToArray(), Is.EqualTo(full.Vector(i).ToArray()).Within(1e-6), $"vector {i}");
    }

    [Test]
    public void SubspaceIterationCopesWithLowRank()
    {
        // Rank 2 but 3 pairs asked: the third eigenvalue is 0 and the basis must still be completed.
        const int n = 30;
        var a = RandomPsd(n, rank: 2, seed: 9);
        var top = SymmetricEigen.Largest(a, n, 3);
        Assert.That(top.Values[2], Is.EqualTo(0).Within(1e-9 * top.Values[0]));
        Assert.That(top.Values[1], Is.GreaterThan(0));
    }

    /// <summary>A = Σ over rank random vectors of v vᵀ.</summary>
    private static double[] RandomPsd(int n, int rank, int seed)
    {
        var v = TestData.Normal(rank * n, seed);
        var a = new double[n * n];
        for (var r = 0; r < rank; r++)
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++) a[i * n + j] += (double)v[r * n + i] * v[r * n + j];
        return a;
    }
}
