using Jano.Runtime.Diagnostics;
using System.Diagnostics;
using Jano.Cli.Bench;
using Jano.Runtime.Pipeline;

namespace Jano.Tests.Cli;

/// <summary>The harness's statistics (its median is WallClock's, shared by every instrument) and time breakdown against values worked out by hand.</summary>
[TestFixture]
public sealed class BenchStatisticsTests
{
    [Test]
    public void MedianOfAnOddCountIsTheMiddleValue()
    {
        Assert.That(WallClock.Median([3.0, 1.0, 2.0]), Is.EqualTo(2.0));
        Assert.That(WallClock.Median([5.0]), Is.EqualTo(5.0));
        Assert.That(WallClock.Median([10.0, 1.0, 7.0, 3.0, 100.0]), Is.EqualTo(7.0), "an outlier does not move it");
    }

    [Test]
    public void MedianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues()
    {
        Assert.That(WallClock.Median([4.0, 1.0, 3.0, 2.0]), Is.EqualTo(2.5));
        Assert.That(WallClock.Median([1.0, 1000.0]), Is.EqualTo(500.5));
    }

    [Test]
    public void MeanAndMin()
    {
        Assert.That(BenchStatistics.Mean([1.0, 2.0, 3.0, 4.0]), Is.EqualTo(2.5));
        Assert.That(BenchStatistics.Min([3.0, -1.5, 2.0]), Is.EqualTo(-1.5));
        Assert.That(BenchStatistics.Mean([30.0, double.PositiveInfinity]), Is.EqualTo(double.PositiveInfinity), "an identical image makes the mean PSNR infinite");
    }

    [Test]
    public void NoValuesIsAnError()
    {
        Assert.Throws<ArgumentException>(() => WallClock.Median([]));
        Assert.Throws<ArgumentException>(() => BenchStatistics.Mean([]));
        Assert.Throws<ArgumentException>(() => BenchStatistics.Min([]));
    }

    [Test]
    public void BreakdownCountsOrtAttentionOnceAndAddsUpToTheWallTime()
    {
        // 1000 ms in ONNX Runtime sessions, of which 250 ms attention when attention is a session; 10 ms text;
        // 100 ms moving token rows; 1500 ms wall.
        var timings = new StepTimings { SessionTicks = Stopwatch.Frequency, AttentionTicks = Stopwatch.Frequency / 4, RowsTicks = Stopwatch.Frequency / 10, TotalTicks = Stopwatch.Frequency * 3 / 2 };
        var result = new GenerationResult(new float[4], 1, 2, 2, 3, 4.5, "flow-euler", "dense", timings, [500, 500, 500], 10, null, []);

        var ort = TimeBreakdown.Of(result, 1500, attentionInSessions: true);
        Assert.That(ort.SessionsMs, Is.EqualTo(750).Within(1e-6));
        Assert.That(ort.AttentionMs, Is.EqualTo(250).Within(1e-6));
        Assert.That(ort.RowsMs, Is.EqualTo(100).Within(1e-6));
        Assert.That(ort.RestMs, Is.EqualTo(390).Within(1e-6));
        Assert.That(ort.TotalMs, Is.EqualTo(1500).Within(1e-6));

        var kernel = TimeBreakdown.Of(result, 1500, attentionInSessions: false);
        Assert.That(kernel.SessionsMs, Is.EqualTo(1000).Within(1e-6));
        Assert.That(kernel.RestMs, Is.EqualTo(140).Within(1e-6));
    }

    [Test]
    public void ItemsArePromptsCrossedWithSeedsInOrder()
    {
        var items = BenchItem.Cross(["a", "b"], 2);
        Assert.That(items, Is.EqualTo(new[] { new BenchItem("a", 0), new BenchItem("a", 1), new BenchItem("b", 0), new BenchItem("b", 1) }));
    }
}
