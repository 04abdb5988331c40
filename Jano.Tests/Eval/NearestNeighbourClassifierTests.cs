using Jano.Eval;

namespace Jano.Tests.Eval;

/// <summary>kNN on tiny sets whose answers can be worked out by hand, and the blocked search against brute force.</summary>
public class NearestNeighbourClassifierTests
{
    // Five 2-d points on a line: x = 0, 1, 2 (class 0) and x = 10, 11 (class 1).
    private static readonly float[] Line = [0, 0, 1, 0, 2, 0, 10, 0, 11, 0];
    private static readonly int[] LineLabels = [0, 0, 0, 1, 1];

    [Test]
    public void NearestNeighbourAndDistances()
    {
        var knn = new NearestNeighbourClassifier(Line, LineLabels, 2, k: 1);
        Assert.That(knn.Classify([9, 0]), Is.EqualTo(1));
        Assert.That(knn.Classify([4, 3]), Is.EqualTo(0)); // 2² + 3² = 13 to x = 2, 36 + 9 to x = 10
        var nearest = new NearestNeighbourClassifier(Line, LineLabels, 2, k: 3).Nearest([1.2f, 0]);
        Assert.That(nearest.Select(n => n.Index), Is.EqualTo(new[] { 1, 2, 0 }));
        Assert.That(nearest.Select(n => n.SquaredDistance), Is.EqualTo(new[] { 0.04f, 0.64f, 1.44f }).Within(1e-5f));
    }

    [Test]
    public void MajorityOfKOutvotesTheNearest()
    {
        // Query at x = 7.5: nearest is x = 10 (class 1), but with k = 5 class 0 has three votes to two...
        var k5 = new NearestNeighbourClassifier(Line, LineLabels, 2, k: 5);
        Assert.That(k5.Classify([7.5f, 0]), Is.EqualTo(0));
        // ... while k = 3 (10, 11, 2) gives class 1 two votes to one.
        Assert.That(new NearestNeighbourClassifier(Line, LineLabels, 2, k: 3).Classify([7.5f, 0]), Is.EqualTo(1));
    }

    [Test]
    public void TieGoesToTheClassOfTheNearest()
    {
        // k = 4 at x = 6.4: neighbours 10 (1), 2 (0), 11 (1), 1 (0): two votes each, class 1 holds the nearest.
        var k4 = new NearestNeighbourClassifier(Line, LineLabels, 2, k: 4);
        Assert.That(k4.Nearest([6.4f, 0]).Select(n => n.Label), Is.EqualTo(new[] { 1, 0, 1, 0 }));
        Assert.That(k4.Classify([6.4f, 0]), Is.EqualTo(1));
        // At x = 5.6 the order becomes 2 (0), 10 (1), 1 (0), 11 (1): class 0 holds the nearest.
        Assert.That(k4.Classify([5.6f, 0]), Is.EqualTo(0));
        // Three-way tie with k = 3 and three classes: the nearest one's class wins.
        Assert.That(NearestNeighbourClassifier.Vote([new(0, 2, 1f), new(1, 0, 2f), new(2, 1, 3f)]), Is.EqualTo(2));
    }

    [Test]
    public void EqualDistancesRankTheEarlierTrainingVectorFirst()
    {
        float[] twins = [1, 1, 1, 1, 5, 5];
        var nearest = new NearestNeighbourClassifier(twins, [1, 0, 1], 2, k: 2).Nearest([1, 1]);
        Assert.That(nearest.Select(n => n.Index), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(new NearestNeighbourClassifier(twins, [1, 0, 1], 2, k: 1).Classify([1, 1]), Is.EqualTo(1));
    }

    [TestCase(1, 1)]
    [TestCase(3, 1)]
    [TestCase(19, 3)]  // not a multiple of the SIMD width: exercises the scalar tail
    [TestCase(40, 5)]
    public void BatchSearchMatchesBruteForce(int dimension, int k)
    {
        // 37 training vectors (odd: the last pairs with itself), 23 queries (not a multiple of 4), 4 classes.
        var train = TestData.Normal(37 * dimension, seed: dimension);
        var labels = Enumerable.Range(0, 37).Select(i => i % 4).ToArray();
        var queries = TestData.Normal(23 * dimension, seed: 100 + dimension);
        var knn = new NearestNeighbourClassifier(train, labels, dimension, k);
        var all = knn.NearestAll(queries, threads: 2);
        var classes = knn.Classify(queries, threads: 1);
        for (var q = 0; q < 23; q++)
        {
            var expected = Enumerable.Range(0, 37)
                .Select(t => (Index: t, Distance: Enumerable.Range(0, dimension).Sum(d => Math.Pow(queries[q * dimension + d] - train[t * dimension + d], 2))))
                .OrderBy(p => p.Distance).ThenBy(p => p.Index).Take(k).ToArray();
            Assert.That(all[q].Select(n => n.Index), Is.EqualTo(expected.Select(e => e.Index)), $"query {q}");
            Assert.That(all[q].Select(n => (double)n.SquaredDistance), Is.EqualTo(expected.Select(e => e.Distance)).Within(1e-3), $"query {q}");
            Assert.That(classes[q], Is.EqualTo(NearestNeighbourClassifier.Vote(all[q])));
        }
    }

    [Test]
    public void BadInputIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new NearestNeighbourClassifier(Line, LineLabels, 3));
        Assert.Throws<ArgumentException>(() => new NearestNeighbourClassifier(Line, LineLabels, 2, k: 6));
        var knn = new NearestNeighbourClassifier(Line, LineLabels, 2, k: 1);
        Assert.Throws<ArgumentException>(() => knn.Classify([1, 2, 3]));
        Assert.That(Assert.Throws<ArgumentException>(() => knn.Classify([float.NaN, 0]))!.Message, Does.Contain("NaN"));
    }
}
