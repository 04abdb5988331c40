using Jano.Runtime.Scheduling;

namespace Jano.Tests.Runtime.Scheduling;

/// <summary>The exact Euclidean distance transform against brute force over the feature cells.</summary>
public sealed class DistanceTransformTests
{
    [TestCase(1, 1, 0.0)]
    [TestCase(1, 1, 1.0)]
    [TestCase(1, 9, 0.2)]
    [TestCase(9, 1, 0.2)]
    [TestCase(5, 9, 0.1)]
    [TestCase(12, 12, 0.05)]
    [TestCase(16, 7, 0.5)]
    [TestCase(20, 20, 0.0)]
    public void MatchesBruteForce(int rows, int columns, double density)
    {
        var random = new Random(rows * 100 + columns);
        for (int trial = 0; trial < 5; trial++)
        {
            bool[] features = Enumerable.Range(0, rows * columns).Select(_ => random.NextDouble() < density).ToArray();
            if (trial == 4 && density > 0)
            {
                // A single feature cell somewhere.
                Array.Clear(features);
                features[random.Next(features.Length)] = true;
            }
            double[] distances = new double[rows * columns];

            DistanceTransform.Euclidean(features, rows, columns, distances);

            Assert.That(distances, Is.EqualTo(BruteForce(features, rows, columns)).Within(1e-9),
                $"{rows}×{columns}, trial {trial}");
        }
    }

    [Test]
    public void NoFeatureMeansInfinitelyFar()
    {
        double[] distances = new double[6];
        DistanceTransform.Euclidean(new bool[6], 2, 3, distances);
        Assert.That(distances, Is.All.EqualTo(double.PositiveInfinity));
    }

    private static double[] BruteForce(bool[] features, int rows, int columns)
    {
        var result = new double[features.Length];
        for (int i = 0; i < features.Length; i++)
        {
            double best = double.PositiveInfinity;
            for (int f = 0; f < features.Length; f++)
            {
                if (!features[f]) continue;
                double dr = i / columns - f / columns, dc = i % columns - f % columns;
                best = Math.Min(best, Math.Sqrt(dr * dr + dc * dc));
            }
            result[i] = best;
        }
        return result;
    }
}
