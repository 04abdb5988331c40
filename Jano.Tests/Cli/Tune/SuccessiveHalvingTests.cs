using Jano.Cli.Tune;
using Jano.Core.Acceleration;
using Jano.Runtime.Acceleration;

namespace Jano.Tests.Cli.Tune;

/// <summary>The search logic against a fake evaluator whose candidates have known PSNR and speed.</summary>
public sealed class SuccessiveHalvingTests
{
    /// <summary>
    /// Candidate k (its warm-up is k) has PSNR truth[k] ± a fixed per-image wobble, ideal speed-up ideal[k],
    /// and takes denseMs / measured[k] per image. Counts every image it is asked for and refuses a repeat.
    /// </summary>
    private sealed class FakeEvaluator(int items, double[] truth, double[] ideal, double[] measured) : ITuneEvaluator
    {
        public const double DenseMs = 1000;
        private readonly HashSet<(int, int)> _seen = [];
        public int Generated { get; private set; }
        public int Items => items;
        public double DenseMedianMs(int count) => DenseMs;
        public List<int> DenseRetimed { get; } = [];

        public double TimeDense(int item)
        {
            DenseRetimed.Add(item);
            return DenseMs;
        }

        public IReadOnlyList<TuneScore> Evaluate(TuneCandidate candidate, int from, int to)
        {
            var k = candidate.Jano.Warmup;
            var scores = new List<TuneScore>();
            for (var i = from; i < to; i++)
            {
                Assert.That(_seen.Add((k, i)), Is.True, $"candidate {k} image {i} generated twice");
                Generated++;
                var wobble = (i % 2 == 0 ? 0.3 : -0.3); // averages to 0 over an even count
                scores.Add(new TuneScore(truth[k] + wobble, DenseMs / measured[k], ideal[k]));
            }
            return scores;
        }
    }

    private static List<TuneCandidate> Candidates(int n) =>
        [.. Enumerable.Range(0, n).Select(k => new TuneCandidate(AccelerationMethods.Parse("jano"), new JanoOptions { Warmup = k }))];

    [TestCase(27, 20, 3, new[] { 3, 7, 20 })]
    [TestCase(9, 20, 3, new[] { 7, 20 })]
    [TestCase(3, 20, 3, new[] { 20 })]
    [TestCase(1, 20, 3, new[] { 20 })]
    [TestCase(16, 16, 2, new[] { 2, 4, 8, 16 })]
    [TestCase(27, 2, 3, new[] { 1, 1, 2 })]
    public void RungSizesGrowByEtaToEveryImage(int candidates, int items, int eta, int[] expected) =>
        Assert.That(SuccessiveHalving.RungSizes(candidates, items, eta), Is.EqualTo(expected));

    [Test]
    public void PicksTheFastestIdealCandidateThatClearsTheTargetByItsMargin()
    {
        // 9 candidates, target 32: 0..3 meet it (33, 32.5, 34, 32.2), the rest do not (but some are faster).
        double[] truth = [33, 32.5, 34, 32.2, 30, 28, 31.5, 25, 29];
        double[] ideal = [2.0, 2.6, 1.5, 2.8, 3.5, 4.0, 3.0, 5.0, 3.2];
        double[] measured = [1.8, 2.4, 1.4, 2.3, 3.1, 3.6, 2.7, 4.5, 2.9];
        var fake = new FakeEvaluator(20, truth, ideal, measured);
        var outcome = new SuccessiveHalving(fake, targetPsnr: 32, eta: 3, slackDb: 1.0).Run(Candidates(9));

        // Rungs 7 → 20 images. Rung 1 keeps 3: the bar is 31 (slack 1 dB), so 0, 1, 2, 3, 6 qualify, fastest ideal first: 3 (2.8), 1 (2.6), 6 (3.0) → 6, 3, 1.
        Assert.That(outcome.RungItems, Is.EqualTo(new[] { 7, 20 }));
        var finalists = outcome.Entries.Where(e => e.Rung == 1).Select(e => e.Candidate.Jano.Warmup).ToList();
        Assert.That(finalists, Is.EquivalentTo(new[] { 6, 3, 1 }));
        // At the last rung 6 falls short (31.5 < 32). 3 and 1 clear the bar: the wobble ±0.3 over 20 images has a
        // standard error of 0.3·sqrt(20/19)/sqrt(20) = 0.0688, so the bar is 32 + 2 × 0.0688 = 32.14 for both. The
        // larger ideal speed-up wins, 3 (2.8x), although 1 measured faster (2.4x against 2.3x): FLOPs, not noise.
        var finalist = outcome.Entries.Single(e => e.Candidate.Jano.Warmup == 3);
        Assert.That(finalist.PsnrStandardError, Is.EqualTo(0.3 * Math.Sqrt(20.0 / 19) / Math.Sqrt(20)).Within(1e-9));
        Assert.That(outcome.Best!.Candidate.Jano.Warmup, Is.EqualTo(3));
        Assert.That(outcome.BestSpeedup, Is.EqualTo(2.3).Within(1e-9));
        Assert.That(outcome.Best.MeanPsnr, Is.EqualTo(32.2).Within(1e-9));
        // Cost: 9 × 7 + 3 × 13 images, against 9 × 20 for every candidate on every image.
        Assert.That(outcome.Evaluations, Is.EqualTo(9 * 7 + 3 * 13));
        Assert.That(fake.Generated, Is.EqualTo(outcome.Evaluations));
        Assert.That(outcome.ExhaustiveEvaluations, Is.EqualTo(180));
        Assert.That(fake.DenseRetimed, Is.EqualTo(Enumerable.Range(7, 13)), "the last rung times dense again on its new images");
        Assert.That(outcome.MeasuredSpeedups.Values.Select(v => Math.Round(v, 9)), Is.EquivalentTo(new[] { 2.7, 2.3, 2.4 }));
    }

    [Test]
    public void AFinalistWhoseMeanClearsTheTargetByLessThanItsMarginIsPassedOver()
    {
        // Candidate 1 is faster (ideal 3x) and its mean (32.2) is above 32, but with a wobble of ±3 dB its
        // standard error is 3·sqrt(6/5)/sqrt(6) = 1.34 dB, so its bar is 34.7; candidate 0 (35 ± 0.3) wins.
        var fake = new WideFakeEvaluator(6, [35, 32.2], [0.3, 3.0], [2, 3]);
        var outcome = new SuccessiveHalving(fake, targetPsnr: 32, eta: 3).Run(Candidates(2));
        Assert.That(outcome.Best!.Candidate.Jano.Warmup, Is.EqualTo(0));
    }

    /// <summary>Two candidates whose per-image PSNR wobbles by their own amplitude (±w, averaging to 0 over an even count).</summary>
    private sealed class WideFakeEvaluator(int items, double[] truth, double[] wobbles, double[] ideal) : ITuneEvaluator
    {
        public int Items => items;
        public double DenseMedianMs(int count) => 1000;
        public double TimeDense(int item) => 1000;

        public IReadOnlyList<TuneScore> Evaluate(TuneCandidate candidate, int from, int to)
        {
            var k = candidate.Jano.Warmup;
            return [.. Enumerable.Range(from, to - from).Select(i => new TuneScore(truth[k] + (i % 2 == 0 ? wobbles[k] : -wobbles[k]), 500, ideal[k]))];
        }
    }

    [Test]
    public void NoCandidateMeetingTheTargetMeansNoResult()
    {
        var fake = new FakeEvaluator(6, [20, 21, 22], [2, 2, 2], [2, 2, 2]);
        var outcome = new SuccessiveHalving(fake, targetPsnr: 30).Run(Candidates(3));
        Assert.That(outcome.Best, Is.Null);
        Assert.That(outcome.BestSpeedup, Is.NaN);
    }

    [Test]
    public void RankingPutsCandidatesAtTheBarFirstByIdealSpeedupThenTheRestByPsnr()
    {
        var fake = new FakeEvaluator(2, [31, 35, 29, 30.5], [3, 2, 5, 4], [1, 1, 1, 1]);
        var entries = Candidates(4).Select(c => new SuccessiveHalving.Entry(c)).ToList();
        foreach (var e in entries) e.Scores.AddRange(fake.Evaluate(e.Candidate, 0, 2));
        var ranked = SuccessiveHalving.Rank(entries, bar: 31).Select(e => e.Candidate.Jano.Warmup);
        Assert.That(ranked, Is.EqualTo(new[] { 0, 1, 3, 2 }));
    }
}
