using Jano.Kernels;

namespace Jano.Tests.Kernels;

/// <summary>Attention against the double-precision reference, once per backend.</summary>
[TestFixtureSource(typeof(KernelBackend), nameof(KernelBackend.Names))]
public sealed class AttentionTests(string backendName)
{
    private const double Tolerance = 1e-4;
    private KernelBackend _backend = null!;

    [OneTimeSetUp] public void CreateBackend() => _backend = KernelBackend.Create(backendName);
    [OneTimeTearDown] public void DisposeBackend() => _backend?.Dispose();

    // (batch, queries, keys, keyCapacity, heads, headDim): small enough for ILGPU's CPU accelerator.
    private static readonly object[] Shapes =
    [
        new object[] { 1, 4, 4, 4, 1, 8 },
        new object[] { 2, 5, 13, 16, 2, 36 },   // n < N, Ncap > N, B = 2, hd not a multiple of the SIMD width
        new object[] { 2, 7, 7, 9, 3, 72 },     // hd = 72 (more than two warps of lanes), n = N < Ncap
        new object[] { 1, 1, 1, 3, 2, 16 },     // N = 1
        new object[] { 2, 3, 1, 1, 1, 5 },      // N = 1, tiny odd head
        new object[] { 1, 3, 150, 160, 1, 32 }, // several key tiles: the online softmax rescales
        new object[] { 1, 2, 9, 9, 2, 128 },    // largest head the ILGPU kernel takes on a 32-lane warp
    ];

    // Larger shapes: several query tiles per head on the Cpu backend.
    private static readonly object[] LargeShapes =
    [
        new object[] { 2, 70, 300, 310, 2, 72 },
        new object[] { 2, 129, 129, 129, 4, 36 },
    ];

    [TestCaseSource(nameof(Shapes))]
    public void MatchesReference(int batch, int queries, int keys, int capacity, int heads, int headDim) =>
        CheckAgainstReference(AttentionShape.Create(batch, queries, keys, capacity, heads, headDim), seed: 1);

    [TestCaseSource(nameof(LargeShapes))]
    public void MatchesReferenceOnLargerShapes(int batch, int queries, int keys, int capacity, int heads, int headDim)
    {
        if (_backend.IsSimulated) Assert.Ignore("Too large for ILGPU's CPU accelerator; covered by the small shapes.");
        CheckAgainstReference(AttentionShape.Create(batch, queries, keys, capacity, heads, headDim), seed: 2);
    }

    [Test]
    public void LargeScoresDoNotOverflow()
    {
        // Logits of several hundred: a naive exp would overflow float32.
        var shape = new AttentionShape(2, 4, 40, 40, 2, 16, Scale: 1f);
        CheckAgainstReference(shape, seed: 3, amplitude: 6f);
    }

    [Test]
    public void IgnoresKeyRowsBeyondKeys()
    {
        var shape = AttentionShape.Create(2, 3, 5, 8, 2, 12);
        int d = shape.ModelDim;
        float[] q = TestTensors.Uniform((int)shape.QueryLength, 4);
        float[] k = TestTensors.Uniform((int)shape.KeyValueLength, 5);
        float[] v = TestTensors.Uniform((int)shape.KeyValueLength, 6);
        double[] expected = ReferenceAttention.Compute(q, k, v, shape);
        for (int b = 0; b < shape.Batch; b++)
        {
            Array.Fill(k, float.NaN, (b * shape.KeyCapacity + shape.Keys) * d, (shape.KeyCapacity - shape.Keys) * d);
            Array.Fill(v, float.NaN, (b * shape.KeyCapacity + shape.Keys) * d, (shape.KeyCapacity - shape.Keys) * d);
        }
        float[] o = TestTensors.Filled((int)shape.QueryLength, float.NaN);

        _backend.Attention.Attention(q, k, v, o, shape);

        Assert.That(MaxAbsError(o, expected), Is.LessThanOrEqualTo(Tolerance));
    }

    [Test]
    public void ZeroQueriesDoNothing()
    {
        var shape = AttentionShape.Create(2, 0, 3, 3, 1, 4);
        float[] kv = TestTensors.Uniform((int)shape.KeyValueLength, 7);
        Assert.DoesNotThrow(() => _backend.Attention.Attention([], kv, kv, [], shape));
    }

    [Test]
    public void RepeatedCallsWithChangingShapesStayCorrect()
    {
        CheckAgainstReference(AttentionShape.Create(1, 2, 3, 3, 1, 40), seed: 8);
        CheckAgainstReference(AttentionShape.Create(2, 6, 11, 12, 2, 24), seed: 9);
        CheckAgainstReference(AttentionShape.Create(1, 2, 3, 3, 1, 40), seed: 10);
    }

    private void CheckAgainstReference(AttentionShape shape, int seed, float amplitude = 1f)
    {
        float[] q = TestTensors.Uniform((int)shape.QueryLength, seed, amplitude);
        float[] k = TestTensors.Uniform((int)shape.KeyValueLength, seed + 100, amplitude);
        float[] v = TestTensors.Uniform((int)shape.KeyValueLength, seed + 200);
        float[] o = TestTensors.Filled((int)shape.QueryLength, float.NaN);

        _backend.Attention.Attention(q, k, v, o, shape);

        double[] expected = ReferenceAttention.Compute(q, k, v, shape);
        Assert.That(MaxAbsError(o, expected), Is.LessThanOrEqualTo(Tolerance), $"{_backend} {shape}");
    }

    private static double MaxAbsError(float[] actual, double[] expected)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        double max = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(error)) return double.PositiveInfinity;
            max = Math.Max(max, error);
        }
        return max;
    }
}
