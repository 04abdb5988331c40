using Jano.Cli.Bench;
using Jano.Runtime.Diagnostics;
using Jano.Runtime.Imaging;
using Jano.Runtime.Pipeline;

namespace Jano.Cli.Tune;

/// <summary>
/// Evaluates candidates on a package: each calibration item's dense image is generated (and timed) once,
/// up front; a candidate's image is compared with it (PSNR) and its generation timed the way `jano bench`
/// times (caption loaded before the clock starts).
/// </summary>
public sealed class PipelineTuneEvaluator : ITuneEvaluator
{
    private readonly TextToImagePipeline _pipeline;
    private readonly IReadOnlyList<BenchItem> _items;
    private readonly int _steps;
    private readonly double? _guidance;
    private readonly float[][] _dense;
    private readonly double[] _denseMs;

    /// <param name="onDense">Called after each dense image with (done, total), for progress.</param>
    public PipelineTuneEvaluator(TextToImagePipeline pipeline, IReadOnlyList<BenchItem> items, int steps, double? guidance, Action<int, int>? onDense = null)
    {
        (_pipeline, _items, _steps, _guidance) = (pipeline, items, steps, guidance);
        _dense = new float[items.Count][];
        _denseMs = new double[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var (result, ms) = TimedGeneration.Run(_pipeline, Request(items[i]));
            (_dense[i], _denseMs[i]) = (result.Image, ms);
            onDense?.Invoke(i + 1, items.Count);
        }
    }

    public int Items => _items.Count;

    /// <summary>Images generated for candidates so far (dense not counted).</summary>
    public int Generated { get; private set; }

    public double DenseMedianMs(int count) => WallClock.Median(_denseMs.Take(count));

    public double TimeDense(int item) => TimedGeneration.Run(_pipeline, Request(_items[item])).Ms;

    public IReadOnlyList<TuneScore> Evaluate(TuneCandidate candidate, int from, int to)
    {
        var scores = new List<TuneScore>(Math.Max(0, to - from));
        for (var i = from; i < to; i++)
        {
            var (result, ms) = TimedGeneration.Run(_pipeline, Request(_items[i]) with { Method = candidate.Method, Jano = candidate.Jano });
            Generated++;
            scores.Add(new TuneScore(ImageMetrics.Psnr(result.Image, _dense[i]), ms, result.Acceleration?.IdealSpeedup ?? 1));
        }
        return scores;
    }

    private GenerationRequest Request(BenchItem item) => new() { Prompt = item.Prompt, Seed = item.Seed, Steps = _steps, Guidance = _guidance };
}
