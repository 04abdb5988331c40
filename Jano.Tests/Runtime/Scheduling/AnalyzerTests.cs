using Jano.Kernels;
using Jano.Kernels.Cpu;
using Jano.Runtime.Scheduling;

namespace Jano.Tests.Runtime.Scheduling;

/// <summary>The analyzer end to end on the Cpu kernel: store, interval, normalisation, diffusion, errors.</summary>
public sealed class AnalyzerTests
{
    private static readonly IBlockDynamicsKernel Kernel = new CpuBlockDynamics();

    [Test]
    public void StillBlockScoresZeroAndMostChangingBlockScoresOne()
    {
        // 8×8 latent, 2×2 blocks: a 4×4 grid. Each block moves by its own amplitude; block 0 is still.
        var shape = new PredictionShape(2, 1, 8, 8);
        float[] amplitude = Enumerable.Range(0, 16).Select(b => 0.2f + 0.05f * b).ToArray();
        amplitude[0] = 0;
        amplitude[9] = 3;
        var analyzer = new JanoAnalyzer(shape, new JanoAnalyzerOptions(1, 2, 2, DStrength: 0), Kernel, capacity: 7);
        float[] still = Random(shape.Length, seed: 1);
        for (int step = 0; step < 5; step++)
        {
            float[] noise = Random(shape.Length, seed: 10 + step);
            float[] prediction = new float[shape.Length];
            for (int i = 0; i < prediction.Length; i++)
            {
                int y = i / 8 % 8, x = i % 8;
                prediction[i] = still[i] + amplitude[y / 2 * 4 + x / 2] * noise[i];
            }
            analyzer.Record(prediction);
        }

        BlockScores scores = analyzer.Analyze();

        Assert.That((scores.GridFrames, scores.GridHeight, scores.GridWidth), Is.EqualTo((1, 4, 4)));
        Assert.That((scores.Steps, scores.Interval), Is.EqualTo((5, 2)));
        Assert.That(scores.Combined[0], Is.Zero);
        Assert.That(scores.Combined[9], Is.EqualTo(1f));
        Assert.That(scores.Combined, Is.All.InRange(0f, 1f));
        Assert.That(scores.Final, Is.EqualTo(scores.Combined), "DStrength 0: no diffusion");
        Assert.That(scores.Temporal, Is.All.Zero);
    }

    [Test]
    public void UsesHalfTheRecordedStepsAsInterval()
    {
        var shape = new PredictionShape(3, 1, 5, 6);
        var analyzer = new JanoAnalyzer(shape, new JanoAnalyzerOptions(1, 2, 2), Kernel, capacity: 7);
        float[] all = Random(7 * shape.Length, seed: 2);
        for (int step = 0; step < 7; step++) analyzer.Record(all.AsSpan((int)(step * shape.Length), (int)shape.Length));

        BlockScores scores = analyzer.Analyze();

        var dynamics = new BlockDynamicsShape(7, 3, 1, 5, 6, 1, 2, 2, Interval: 3);
        float[] spatial = new float[dynamics.Blocks], temporal = new float[dynamics.Blocks];
        Kernel.BlockDynamics(all, spatial, temporal, dynamics);
        Assert.That(scores.Interval, Is.EqualTo(3));
        Assert.That(scores.Spatial, Is.EqualTo(spatial));
    }

    [Test]
    public void CombinesTemporalAndSpatialByTWeightThenNormalises()
    {
        var shape = new PredictionShape(2, 2, 4, 6);
        var analyzer = new JanoAnalyzer(shape, new JanoAnalyzerOptions(2, 2, 2, TWeight: 0.7, DStrength: 0), Kernel, 4);
        for (int step = 0; step < 4; step++) analyzer.Record(Random(shape.Length, seed: 30 + step));

        BlockScores scores = analyzer.Analyze();

        float[] expected = scores.Spatial.Zip(scores.Temporal, (s, t) => (float)(0.7 * t + 0.3 * s)).ToArray();
        float min = expected.Min(), max = expected.Max();
        expected = expected.Select(v => (v - min) / (max - min)).ToArray();
        Assert.That(scores.Temporal, Has.Some.GreaterThan(0f));
        Assert.That(scores.Combined, Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void EqualDynamicsEverywhereScoreZero()
    {
        var shape = new PredictionShape(1, 1, 4, 4);
        var analyzer = new JanoAnalyzer(shape, new JanoAnalyzerOptions(1, 2, 2), Kernel, 2);
        analyzer.Record(new float[16]);
        analyzer.Record(new float[16]);

        BlockScores scores = analyzer.Analyze();

        Assert.That(scores.Combined, Is.All.Zero);
        Assert.That(scores.Final, Is.All.Zero);
    }

    [Test]
    public void LiftsABlockRegionEnclosedByMovingBlocks()
    {
        // Blocks of 1×2 latent pixels, C = 1, on a 6×6 grid. In each block the second pixel runs away
        // from the first at a block-specific speed a, so its dynamics are proportional to a: the
        // normalised scores are 1 on a ring, 0 on the 2×2 inside it, 0.5 on the outer border.
        var shape = new PredictionShape(1, 1, 6, 12);
        var analyzer = new JanoAnalyzer(shape, new JanoAnalyzerOptions(1, 1, 2), Kernel, 3);
        for (int step = 0; step < 3; step++)
        {
            float[] prediction = new float[shape.Length];
            for (int r = 0; r < 6; r++)
            for (int c = 0; c < 6; c++)
                prediction[r * 12 + c * 2 + 1] = step * DiffusionGrids.RingAroundTwoByTwo[r * 6 + c];
            analyzer.Record(prediction);
        }

        BlockScores scores = analyzer.Analyze();

        Assert.That(scores.Combined, Is.EqualTo(DiffusionGrids.RingAroundTwoByTwo).Within(1e-6));
        float lift = (float)(Math.Exp(-1) * 1.0 * 0.8); // dist 1, d_distance 2, contour mean 1, d_strength 0.8
        float[] expected = DiffusionGrids.RingAroundTwoByTwo.Select(v => v == 0 ? lift : v).ToArray();
        Assert.That(scores.Final, Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void AnalyzeNeedsTwoRecordings()
    {
        var shape = new PredictionShape(1, 1, 2, 2);
        var analyzer = new JanoAnalyzer(shape, new JanoAnalyzerOptions(1, 2, 2), Kernel, 3);

        var none = Assert.Throws<InvalidOperationException>(() => analyzer.Analyze());
        analyzer.Record(new float[4]);
        var one = Assert.Throws<InvalidOperationException>(() => analyzer.Analyze());
        analyzer.Record(new float[4]);

        Assert.That(none!.Message, Does.Contain("at least 2").And.Contain("0"));
        Assert.That(one!.Message, Does.Contain("at least 2").And.Contain("1"));
        Assert.That(analyzer.Analyze().Steps, Is.EqualTo(2));
    }

    [Test]
    public void RecordRejectsAWrongLengthNamingExpectedAndActual()
    {
        var analyzer = new JanoAnalyzer(new PredictionShape(4, 1, 8, 8), new JanoAnalyzerOptions(1, 2, 2), Kernel, 2);

        var error = Assert.Throws<ArgumentException>(() => analyzer.Record(new float[255]));

        Assert.That(error!.Message, Does.Contain("255").And.Contain("256"));
        Assert.That(error.ParamName, Is.EqualTo("prediction"));
        Assert.That(analyzer.Count, Is.Zero);
    }

    [Test]
    public void RecordBeyondCapacityFailsAndResetStartsOver()
    {
        var analyzer = new JanoAnalyzer(new PredictionShape(1, 1, 2, 2), new JanoAnalyzerOptions(1, 1, 2), Kernel, 2);
        analyzer.Record(new float[4]);
        analyzer.Record(new float[4]);

        Assert.Throws<InvalidOperationException>(() => analyzer.Record(new float[4]));
        analyzer.Reset();
        Assert.That(analyzer.Count, Is.Zero);
        analyzer.Record(new float[4]);
        Assert.That(analyzer.Count, Is.EqualTo(1));
    }

    [Test]
    public void RejectsInvalidConstruction()
    {
        var shape = new PredictionShape(1, 1, 4, 4);
        var options = new JanoAnalyzerOptions(1, 2, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new JanoAnalyzer(shape, options, Kernel, capacity: 1));
        Assert.Throws<ArgumentException>(() => new JanoAnalyzer(shape with { Height = 0 }, options, Kernel, 2));
        Assert.Throws<ArgumentException>(() => new JanoAnalyzer(shape, options with { BlockWidth = 0 }, Kernel, 2));
        Assert.Throws<ArgumentException>(() => new JanoAnalyzer(shape, options with { TWeight = 1.5 }, Kernel, 2));
        Assert.Throws<ArgumentException>(() => new JanoAnalyzer(shape, options with { DDistance = -1 }, Kernel, 2));
    }

    private static float[] Random(long length, int seed)
    {
        var random = new Random(seed);
        var data = new float[length];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        return data;
    }
}
