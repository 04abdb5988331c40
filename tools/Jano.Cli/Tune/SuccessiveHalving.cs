using Jano.Runtime.Diagnostics;

namespace Jano.Cli.Tune;

/// <summary>
/// The search of `jano tune`: successive halving (Jamieson and Talwalkar, 2016) over the sampled candidates,
/// the budget being calibration images. Rung k evaluates the survivors on the first r_k items (r grows by
/// <see cref="Eta"/> to all items; earlier images are kept, only new ones are generated) and keeps the best
/// 1/η. Why this and not a Bayesian optimiser: a candidate's quality is a mean over images, so a few images
/// already rank it and the cost of a partial evaluation is exactly its image count; the space is small,
/// discrete and mixed (intervals, thresholds), where a surrogate model gains little over a ranked sample
/// and needs full evaluations to fit.
///
/// Ranking within a rung: candidates whose mean PSNR so far is at least the target less a slack (which
/// shrinks to 0 at the last rung: a mean over few images is noisy) come first, by ideal (FLOP) speed-up,
/// which does not depend on machine load; the rest follow by PSNR. At the end, a finalist qualifies when its
/// mean PSNR over every calibration image clears the target by <paramref name="marginStandardErrors"/>
/// standard errors of that mean (a preset chosen right at the bar loses on new seeds: a first run's winner,
/// 1.1 dB over the bar on 20 images, lost 1.9 dB on held-out ones), and the largest ideal speed-up among
/// them wins: measured speed-ups of finalists a few percent apart in FLOPs are noise on a shared machine
/// (three finalists of ideal 3.39–3.57x measured 2.24–4.12x). The last rung still runs image by image with
/// dense timed beside the finalists, so the measured speed-up reported is taken side by side with dense.
/// </summary>
public sealed class SuccessiveHalving(ITuneEvaluator evaluator, double targetPsnr, int eta = 3, double slackDb = 1.0, double marginStandardErrors = 2.0)
{
    public int Eta => eta;

    /// <summary>A candidate's images so far and its rung.</summary>
    public sealed class Entry(TuneCandidate candidate)
    {
        public TuneCandidate Candidate { get; } = candidate;
        public List<TuneScore> Scores { get; } = [];
        public int Rung { get; set; }
        public double MeanPsnr => Scores.Count == 0 ? double.NaN : Scores.Average(s => s.Psnr);
        public double IdealSpeedup => Scores.Count == 0 ? double.NaN : Scores.Count / Scores.Sum(s => 1 / s.IdealSpeedup);
        public double MedianMs => WallClock.Median(Scores.Select(s => s.WallMs));

        /// <summary>The standard error of <see cref="MeanPsnr"/> over its images (0 with fewer than two).</summary>
        public double PsnrStandardError
        {
            get
            {
                if (Scores.Count < 2) return 0;
                var mean = MeanPsnr;
                var variance = Scores.Sum(s => (s.Psnr - mean) * (s.Psnr - mean)) / (Scores.Count - 1);
                return Math.Sqrt(variance / Scores.Count);
            }
        }
    }

    /// <summary>What the search did: every candidate with what it saw, the winner (null: none met the target), and its cost.</summary>
    public sealed record Outcome(IReadOnlyList<Entry> Entries, Entry? Best, double BestSpeedup, int Evaluations, int ExhaustiveEvaluations, IReadOnlyList<int> RungItems)
    {
        /// <summary>The finalists' measured speed-ups (last rung, timed beside dense).</summary>
        public IReadOnlyDictionary<Entry, double> MeasuredSpeedups { get; init; } = new Dictionary<Entry, double>();
    }

    /// <summary>Items per rung: all of them at the last rung, ÷ η at each earlier one (at least 1), for enough rungs to bring the candidates down to about η.</summary>
    public static int[] RungSizes(int candidates, int items, int eta)
    {
        var rungs = 1;
        for (var n = candidates; n > eta; n = (n + eta - 1) / eta) rungs++;
        var sizes = new int[rungs];
        for (var k = 0; k < rungs; k++) sizes[k] = Math.Max(1, (int)Math.Ceiling(items / Math.Pow(eta, rungs - 1 - k)));
        for (var k = 1; k < rungs; k++) sizes[k] = Math.Max(sizes[k], sizes[k - 1]);
        return sizes;
    }

    public Outcome Run(IReadOnlyList<TuneCandidate> candidates, Action<string>? log = null)
    {
        if (candidates.Count == 0) throw new ArgumentException("the search has no candidates");
        var items = evaluator.Items;
        var sizes = RungSizes(candidates.Count, items, eta);
        var entries = candidates.Select(c => new Entry(c)).ToList();
        var alive = entries.ToList();
        var evaluations = 0;
        List<double> denseTimes = [];
        var newFrom = items;
        for (var k = 0; k < sizes.Length; k++)
        {
            var last = k == sizes.Length - 1;
            if (last) denseTimes = FinalRung(alive, k, sizes[k], ref evaluations, ref newFrom);
            else
                foreach (var e in alive)
                {
                    var scores = evaluator.Evaluate(e.Candidate, e.Scores.Count, sizes[k]);
                    evaluations += scores.Count;
                    e.Scores.AddRange(scores);
                    e.Rung = k;
                }
            var slack = last ? 0 : slackDb * (sizes.Length - 1 - k) / (sizes.Length - 1);
            var ranked = Rank(alive, targetPsnr - slack);
            log?.Invoke(FormattableString.Invariant($"rung {k + 1}/{sizes.Length}: {alive.Count} candidates on {sizes[k]} of {items} images; best so far {ranked[0].Candidate.Label} ({ranked[0].MeanPsnr:F2} dB, ideal {ranked[0].IdealSpeedup:F2}x)"));
            if (last) break;
            alive = ranked.Take(Math.Max(1, (int)Math.Ceiling(alive.Count / (double)eta))).ToList();
        }
        // Measured speed-up on the last rung's new images, timed beside dense; with none new, against dense's first timing.
        var denseMs = denseTimes.Count > 0 ? WallClock.Median(denseTimes) : evaluator.DenseMedianMs(items);
        double Speedup(Entry e) => denseMs / WallClock.Median(e.Scores.Skip(denseTimes.Count > 0 ? newFrom : 0).Select(s => s.WallMs));
        var feasible = alive.Where(e => e.Scores.Count == items && e.MeanPsnr >= Bar(e)).ToList();
        var best = feasible.OrderByDescending(e => e.IdealSpeedup).ThenByDescending(Speedup).FirstOrDefault();
        return new Outcome(entries, best, best is null ? double.NaN : Speedup(best), evaluations, candidates.Count * items, sizes)
        {
            MeasuredSpeedups = alive.ToDictionary(e => e, Speedup),
        };
    }

    /// <summary>
    /// The last rung image by image: dense again, then every finalist on that image (in an order that
    /// rotates), so the finalists' measured speed-ups come from times taken side by side with dense's.
    /// </summary>
    private List<double> FinalRung(List<Entry> alive, int rung, int to, ref int evaluations, ref int newFrom)
    {
        var from = alive.Max(e => e.Scores.Count);
        newFrom = from;
        var dense = new List<double>();
        for (var i = from; i < to; i++)
        {
            dense.Add(evaluator.TimeDense(i));
            for (var j = 0; j < alive.Count; j++)
            {
                var e = alive[(i + j) % alive.Count];
                var scores = evaluator.Evaluate(e.Candidate, i, i + 1);
                evaluations += scores.Count;
                e.Scores.AddRange(scores);
            }
        }
        foreach (var e in alive) e.Rung = rung;
        return dense;
    }

    /// <summary>The PSNR a finalist's mean must reach: the target plus the margin in standard errors of its mean.</summary>
    public double Bar(Entry e) => targetPsnr + marginStandardErrors * e.PsnrStandardError;

    /// <summary>Candidates at or above <paramref name="bar"/> first, fastest (ideal) first; then the others, closest to dense first.</summary>
    public static List<Entry> Rank(IEnumerable<Entry> entries, double bar) =>
        [.. entries.OrderByDescending(e => e.MeanPsnr >= bar).ThenByDescending(e => e.MeanPsnr >= bar ? e.IdealSpeedup : e.MeanPsnr)];
}
