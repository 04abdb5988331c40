using Jano.Kernels;
using Jano.Kernels.Cpu;
using Jano.Kernels.Ilgpu;

namespace Jano.Tests.Kernels;

/// <summary>Block dynamics against the double-precision reference and hand-computed values, once per backend.</summary>
[TestFixtureSource(typeof(KernelBackend), nameof(KernelBackend.BlockDynamicsNames))]
public sealed class BlockDynamicsTests(string backendName)
{
    private const double Tolerance = 1e-4;
    private IBlockDynamicsKernel _kernel = null!;
    private readonly List<IDisposable> _owned = [];

    [OneTimeSetUp]
    public void CreateBackend()
    {
        switch (backendName)
        {
            case KernelBackend.Cpu:
                _kernel = new CpuBlockDynamics();
                break;
            case KernelBackend.IlgpuCpuAccelerator:
                UseIlgpu(IlgpuKernels.CreateCpu());
                break;
            case KernelBackend.IlgpuCuda:
                IlgpuKernels? cuda = IlgpuKernels.TryCreateCuda(out string? reason);
                if (cuda is null) Assert.Ignore($"{KernelBackend.IlgpuCuda}: {reason}");
                UseIlgpu(cuda);
                break;
            default:
                throw new ArgumentException($"Unknown backend '{backendName}'.");
        }
    }

    [OneTimeTearDown]
    public void DisposeBackend()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
    }

    // (steps, channels, frames, height, width, bt, bh, bw, interval): tiny, for ILGPU's CPU accelerator.
    private static readonly object[] Shapes =
    [
        new object[] { 4, 2, 1, 5, 7, 1, 2, 3, 2 },   // H and W padded
        new object[] { 5, 3, 2, 6, 5, 2, 4, 2, 2 },   // T = 2, bt = 2: temporal dynamics
        new object[] { 3, 4, 2, 3, 4, 1, 2, 2, 1 },   // T = 2, bt = 1
        new object[] { 7, 4, 1, 9, 9, 1, 4, 4, 3 },   // 16 positions: several SIMD vectors, k = 7 as in warm-up
        new object[] { 2, 1, 3, 3, 3, 2, 2, 2, 1 },   // T = 3, bt = 2: a padded frame
        new object[] { 6, 2, 2, 4, 3, 2, 1, 1, 3 },   // one position per block: only temporal
        new object[] { 4, 3, 1, 2, 41, 1, 1, 20, 1 }, // 20 positions in a row, last block mostly padding, interval ≠ k/2
        new object[] { 3, 2, 1, 10, 10, 1, 8, 8, 1 },  // 64 positions: the Cpu kernel's four-vector path
    ];

    [TestCaseSource(nameof(Shapes))]
    public void MatchesReference(int steps, int channels, int frames, int height, int width, int bt, int bh, int bw,
        int interval)
    {
        var shape = new BlockDynamicsShape(steps, channels, frames, height, width, bt, bh, bw, interval);
        float[] predictions = TestTensors.Uniform((int)shape.InputLength, seed: steps * 100 + width);

        (float[] spatial, float[] temporal) = Run(predictions, shape);

        (double[] expectedSpatial, double[] expectedTemporal) = ReferenceBlockDynamics.Compute(predictions, shape);
        Assert.That(expectedSpatial.Concat(expectedTemporal).Max(), Is.GreaterThan(0.01), "the random input must move");
        Assert.That(MaxRelativeError(spatial, expectedSpatial), Is.LessThanOrEqualTo(Tolerance), "spatial");
        Assert.That(MaxRelativeError(temporal, expectedTemporal), Is.LessThanOrEqualTo(Tolerance), "temporal");
        if (bt == 1) Assert.That(temporal, Is.All.Zero);
    }

    [Test]
    public void TwoPositionsByHand()
    {
        // One block of two positions, C = 1. Distances per step: |1 − 0| = 1, |3 − 0| = 3, |1.5 − 1| = 0.5.
        // Pairs (0, 1) and (1, 2): the off-diagonal entries change by 2 and 2.5, the diagonal by 0,
        // so the matrix means are 4/4 = 1 and 5/4 = 1.25, and their mean is 1.125.
        float[] predictions = [0, 1, 0, 3, 1, 1.5f];
        var shape = new BlockDynamicsShape(3, 1, 1, 1, 2, 1, 1, 2, Interval: 1);

        (float[] spatial, float[] temporal) = Run(predictions, shape);

        Assert.That(spatial[0], Is.EqualTo(1.125f).Within(1e-6));
        Assert.That(temporal[0], Is.Zero);
    }

    [Test]
    public void TwoChannelsByHand()
    {
        // Positions (0, 0) and (3, 4), then (0, 0) and (6, 8): distance 5 → 10, mean over 4 entries 10/4.
        float[] predictions = [0, 3, 0, 4, 0, 6, 0, 8]; // [step, channel, position]
        var shape = new BlockDynamicsShape(2, 2, 1, 1, 2, 1, 1, 2, Interval: 1);

        (float[] spatial, _) = Run(predictions, shape);

        Assert.That(spatial[0], Is.EqualTo(2.5f).Within(1e-6));
    }

    [Test]
    public void PaddedPositionIsTheZeroVector()
    {
        // W = 1 in a block of width 2: the value 1 → 3 is its distance to the padding, so the
        // off-diagonal entries change by 2 and the mean is 4/4.
        float[] predictions = [1, 3];
        var shape = new BlockDynamicsShape(2, 1, 1, 1, 1, 1, 1, 2, Interval: 1);

        (float[] spatial, _) = Run(predictions, shape);

        Assert.That(spatial[0], Is.EqualTo(1f).Within(1e-6));
    }

    [Test]
    public void TwoFramesByHand()
    {
        // One position, frames (0, 1) then (2, 0): the frame distance 1 → 2, mean over 4 entries 2/4;
        // a single position has no spatial dynamics.
        float[] predictions = [0, 1, 2, 0]; // [step, frame]
        var shape = new BlockDynamicsShape(2, 1, 2, 1, 1, 2, 1, 1, Interval: 1);

        (float[] spatial, float[] temporal) = Run(predictions, shape);

        Assert.That(temporal[0], Is.EqualTo(0.5f).Within(1e-6));
        Assert.That(spatial[0], Is.Zero);
    }

    [Test]
    public void BlocksThatNeverChangeScoreZero()
    {
        // Every step stores the same prediction except inside block (0, 1) of a 2×2 grid.
        var shape = new BlockDynamicsShape(4, 2, 2, 4, 4, 2, 2, 2, Interval: 2);
        int length = (int)shape.PredictionLength;
        float[] first = TestTensors.Uniform(length, 21);
        float[] predictions = new float[shape.InputLength];
        for (int j = 0; j < shape.Steps; j++) first.CopyTo(predictions, j * length);
        predictions[3 * length + 1 * 4 * 4 + 1 * 4 + 3] += 5f; // step 3, channel 0, frame 1, y 1, x 3

        (float[] spatial, float[] temporal) = Run(predictions, shape);

        Assert.That(spatial, Is.EqualTo(new[] { 0f, spatial[1], 0f, 0f }));
        Assert.That(temporal, Is.EqualTo(new[] { 0f, temporal[1], 0f, 0f }));
        Assert.That(spatial[1], Is.GreaterThan(0.1f));
        Assert.That(temporal[1], Is.GreaterThan(0.1f));
    }

    [Test]
    public void RejectsWrongLengthsAndIntervals()
    {
        var shape = new BlockDynamicsShape(3, 1, 1, 2, 2, 1, 2, 2, Interval: 1);
        float[] predictions = new float[12];
        float[] one = new float[1];

        var tooShort = Assert.Throws<ArgumentException>(() => _kernel.BlockDynamics(new float[11], one, new float[1], shape));
        Assert.That(tooShort!.Message, Does.Contain("11").And.Contain("12"));
        Assert.Throws<ArgumentException>(() => _kernel.BlockDynamics(predictions, new float[2], new float[1], shape));
        Assert.Throws<ArgumentException>(() => _kernel.BlockDynamics(predictions, one, new float[1], shape with { Interval = 0 }));
        Assert.Throws<ArgumentException>(() => _kernel.BlockDynamics(predictions, one, new float[1], shape with { Interval = 3 }));
        Assert.Throws<ArgumentException>(() => _kernel.BlockDynamics(new float[4], one, new float[1], shape with { Steps = 1 }));
    }

    private void UseIlgpu(IlgpuKernels kernels)
    {
        _owned.Add(kernels);
        var host = new BlockDynamicsHost(new BlockDynamicsDevice(kernels.Accelerator));
        _owned.Add(host);
        _kernel = host;
    }

    private (float[] Spatial, float[] Temporal) Run(float[] predictions, BlockDynamicsShape shape)
    {
        float[] spatial = TestTensors.Filled(shape.Blocks, float.NaN);
        float[] temporal = TestTensors.Filled(shape.Blocks, float.NaN);
        _kernel.BlockDynamics(predictions, spatial, temporal, shape);
        return (spatial, temporal);
    }

    /// <summary>Largest |actual − expected| relative to the largest expected magnitude (at least 1e-3).</summary>
    private static double MaxRelativeError(float[] actual, double[] expected)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        double scale = Math.Max(1e-3, expected.Max(Math.Abs));
        double max = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]) / scale;
            if (double.IsNaN(error)) return double.PositiveInfinity;
            max = Math.Max(max, error);
        }
        return max;
    }
}

/// <summary>A warm Cpu block-dynamics call allocates nothing of its own on the calling thread.</summary>
public sealed class CpuBlockDynamicsAllocationTests
{
    [Test]
    public void WarmSingleThreadedCallAllocatesNothing()
    {
        var kernel = new CpuBlockDynamics(maxDegreeOfParallelism: 1);
        var shape = new BlockDynamicsShape(5, 3, 2, 9, 9, 2, 4, 4, Interval: 2);
        float[] predictions = TestTensors.Uniform((int)shape.InputLength, 22);
        float[] spatial = new float[shape.Blocks], temporal = new float[shape.Blocks];

        for (int i = 0; i < 3; i++) kernel.BlockDynamics(predictions, spatial, temporal, shape);
        long fewest = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            kernel.BlockDynamics(predictions, spatial, temporal, shape);
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.That(fewest, Is.Zero);
    }
}
