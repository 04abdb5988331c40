using Jano.Cli.Bench;
using Jano.Runtime.Diagnostics;
using Jano.Runtime.Imaging;
using Jano.Runtime.Pipeline;

namespace Jano.Cli.Tune;

/// <summary>
/// The tuned preset against the package's shipped preset on seeds the search never saw: per item dense,
/// then the contenders, in an order that rotates from item to item; mean and minimum PSNR against dense,
/// median wall time, measured and ideal speed-up.
/// </summary>
public static class HeldOutComparison
{
    public sealed record Result(string Label, double PsnrMean, double PsnrMin, double MedianMs, double Speedup, double IdealSpeedup);

    public static List<Result> Run(TextToImagePipeline pipeline, IReadOnlyList<BenchItem> items, int steps, double? guidance,
        IReadOnlyList<(string Label, TuneCandidate Candidate)> contenders, Action<int, int>? onRun = null)
    {
        var dense = new List<double>();
        var psnr = contenders.Select(_ => new List<double>()).ToArray();
        var ms = contenders.Select(_ => new List<double>()).ToArray();
        var inverseIdeal = new double[contenders.Count];
        var done = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var request = new GenerationRequest { Prompt = items[i].Prompt, Seed = items[i].Seed, Steps = steps, Guidance = guidance };
            var (reference, denseMs) = TimedGeneration.Run(pipeline, request);
            dense.Add(denseMs);
            onRun?.Invoke(++done, items.Count * (contenders.Count + 1));
            for (var j = 0; j < contenders.Count; j++)
            {
                var c = (i + j) % contenders.Count;
                var (result, t) = TimedGeneration.Run(pipeline, request with { Method = contenders[c].Candidate.Method, Jano = contenders[c].Candidate.Jano });
                psnr[c].Add(ImageMetrics.Psnr(result.Image, reference.Image));
                ms[c].Add(t);
                inverseIdeal[c] += 1 / (result.Acceleration?.IdealSpeedup ?? 1);
                onRun?.Invoke(++done, items.Count * (contenders.Count + 1));
            }
        }
        var denseMedian = WallClock.Median(dense);
        return [.. contenders.Select((c, k) => new Result(c.Label, psnr[k].Average(), psnr[k].Min(), WallClock.Median(ms[k]),
            denseMedian / WallClock.Median(ms[k]), items.Count / inverseIdeal[k]))];
    }
}
