using Jano.Export.Encoders.T5;

namespace Jano.Tests.Export.T5;

/// <summary>
/// The exported T5 encoder graph on ONNX Runtime (CPU) against the double-precision reference, for T5
/// v1.1 (gated-gelu, bias in block 0), umT5 (a bias per layer) and original T5 (relu, not gated), in
/// float32 (≤ 1e-4 of the largest output) and float16 (≤ 2e-2: half projections, float32 elsewhere).
/// Every case has padding in the batch and a prompt longer than max_distance, so the mask, the
/// log-spaced buckets and the clipped far distances all count.
/// </summary>
[TestFixture("gated-gelu", false, "float32", 1e-4)]
[TestFixture("gated-gelu", true, "float32", 1e-4)]
[TestFixture("relu", false, "float32", 1e-4)]
[TestFixture("gated-silu", true, "float32", 1e-4)]
[TestFixture("gelu", false, "float32", 1e-4)]
[TestFixture("gated-gelu", false, "float16", 2e-2)]
[TestFixture("gated-gelu", true, "float16", 2e-2)]
public sealed class T5EncoderGraphTests(string feedForward, bool umt5, string dtype, double tolerance)
{
    private TinyT5 _model = null!;
    private string _graph = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyT5(T5RandomCheckpoint.ConfigJson(feedForward: feedForward, umt5: umt5));
        _graph = _model.Export(dtype);
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    private static long[] Ids(int count, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (long)r.Next(3, 100)).ToArray();
    }

    private double AssertClose(float[] actual, double[] expected, string what)
    {
        var scale = Math.Max(1.0, expected.Max(Math.Abs));
        var error = TestData.MaxAbsDiff(actual, expected);
        Assert.That(error, Is.LessThanOrEqualTo(tolerance * scale), what);
        TestContext.Out.WriteLine($"{what}: max |error| {error:E2} (scale {scale:F2})");
        return error;
    }

    [Test]
    public void PaddedBatchMatchesTheReferenceOnEveryRow()
    {
        // Item 0: 9 real tokens then padding; item 1: all 30 real (30 > max_distance 20).
        const int t = 30;
        var ids0 = Ids(9, 1).Concat(new long[t - 9]).ToArray();
        var mask0 = Enumerable.Range(0, t).Select(i => i < 9 ? 1L : 0L).ToArray();
        var ids1 = Ids(t, 2);
        var mask1 = Enumerable.Repeat(1L, t).ToArray();
        var output = TinyT5.Run(_graph, [.. ids0, .. ids1], [.. mask0, .. mask1], 2);
        AssertClose(output, TestData.Concat(_model.Reference.Forward(ids0, mask0), _model.Reference.Forward(ids1, mask1)), $"{feedForward} umt5={umt5} {dtype}");
    }

    [Test]
    public void AnyLengthRunsWithTheSameGraph()
    {
        foreach (var t in new[] { 1, 4, 57 })
        {
            var ids = Ids(t, 10 + t);
            var mask = Enumerable.Repeat(1L, t).ToArray();
            AssertClose(TinyT5.Run(_graph, ids, mask, 1), _model.Reference.Forward(ids, mask), $"{t} tokens");
        }
    }

    [Test]
    public void RealTokensDoNotDependOnPadding()
    {
        var ids = Ids(7, 5);
        var mask = Enumerable.Repeat(1L, 7).ToArray();
        var alone = TinyT5.Run(_graph, ids, mask, 1);
        var padded = TinyT5.Run(_graph, [.. ids, .. new long[17]], [.. mask, .. new long[17]], 1);
        var d = _model.Config.DModel;
        Assert.That(TestData.MaxAbsDiff(alone, padded.Take(7 * d).ToArray()), Is.LessThanOrEqualTo(1e-5));
    }
}
