using Jano.Kernels;

namespace Jano.Tests.Kernels;

/// <summary>Every backend rejects bad shapes and spans with clear argument exceptions.</summary>
[TestFixtureSource(typeof(KernelBackend), nameof(KernelBackend.Names))]
public sealed class ArgumentValidationTests(string backendName)
{
    private static readonly AttentionShape Shape = AttentionShape.Create(2, 3, 4, 5, 2, 4);
    private KernelBackend _backend = null!;

    [OneTimeSetUp] public void CreateBackend() => _backend = KernelBackend.Create(backendName);
    [OneTimeTearDown] public void DisposeBackend() => _backend?.Dispose();

    [TestCase("q")]
    [TestCase("k")]
    [TestCase("v")]
    [TestCase("o")]
    public void AttentionRejectsAWrongLength(string tensor)
    {
        float[] q = new float[Shape.QueryLength + (tensor == "q" ? 1 : 0)];
        float[] k = new float[Shape.KeyValueLength - (tensor == "k" ? 1 : 0)];
        float[] v = new float[Shape.KeyValueLength + (tensor == "v" ? 4 : 0)];
        float[] o = new float[Shape.QueryLength - (tensor == "o" ? 2 : 0)];

        var e = Assert.Throws<ArgumentException>(() => _backend.Attention.Attention(q, k, v, o, Shape));
        Assert.That(e!.ParamName, Is.EqualTo(tensor));
        Assert.That(e.Message, Does.Contain("elements"));
    }

    private static IEnumerable<TestCaseData> BadShapes()
    {
        yield return Bad(Shape with { Keys = 6 }, "KeyCapacity");
        yield return Bad(Shape with { Keys = 0 }, "Keys");
        yield return Bad(Shape with { Heads = 0 }, "Heads");
        yield return Bad(Shape with { HeadDim = 0 }, "HeadDim");
        yield return Bad(Shape with { Batch = 0 }, "Batch");
        yield return Bad(Shape with { Queries = -1 }, "Queries");
        yield return Bad(Shape with { Scale = float.NaN }, "Scale");

        static TestCaseData Bad(AttentionShape shape, string parameter) =>
            new TestCaseData(shape, parameter).SetArgDisplayNames(parameter);
    }

    [TestCaseSource(nameof(BadShapes))]
    public void AttentionRejectsAnInvalidShape(AttentionShape shape, string parameter)
    {
        float[] q = new float[Math.Max(0, shape.QueryLength)];
        float[] kv = new float[Math.Max(0, shape.KeyValueLength)];
        var e = Assert.Throws<ArgumentException>(() => _backend.Attention.Attention(q, kv, kv, q.ToArray(), shape));
        Assert.That(e!.ParamName, Is.EqualTo(parameter));
    }

    [Test]
    public void GatherRejectsAnIndexOutOfRange()
    {
        float[] source = new float[2 * 4 * 3], destination = new float[2 * 2 * 3];
        var shape = new RowShape(2, 4, 2, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Rows.GatherRows(source, [1, 4], destination, shape));
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Rows.GatherRows(source, [-1], destination, shape));
        Assert.That(destination, Is.All.EqualTo(0f), "nothing is written before the indices are checked");
    }

    [Test]
    public void ScatterRejectsAnIndexOutOfRange()
    {
        float[] source = new float[2 * 2 * 3], destination = new float[2 * 4 * 3];
        Assert.Throws<ArgumentOutOfRangeException>(
            () => _backend.Rows.ScatterRows(source, [0, 4], destination, new RowShape(2, 2, 4, 3)));
    }

    [Test]
    public void RowsRejectMoreIndicesThanRows()
    {
        float[] four = new float[4 * 2], two = new float[2 * 2];
        var e = Assert.Throws<ArgumentException>(
            () => _backend.Rows.GatherRows(four, [0, 1, 2], two, new RowShape(1, 4, 2, 2)));
        Assert.That(e!.ParamName, Is.EqualTo("indices"));
        e = Assert.Throws<ArgumentException>(
            () => _backend.Rows.ScatterRows(two, [0, 1, 2], four, new RowShape(1, 2, 4, 2)));
        Assert.That(e!.ParamName, Is.EqualTo("indices"));
    }

    [Test]
    public void RowsRejectWrongLengths()
    {
        var shape = new RowShape(2, 3, 3, 2);
        var e = Assert.Throws<ArgumentException>(
            () => _backend.Rows.GatherRows(new float[11], [0], new float[12], shape));
        Assert.That(e!.ParamName, Is.EqualTo("source"));
        e = Assert.Throws<ArgumentException>(
            () => _backend.Rows.ScatterRows(new float[12], [0], new float[13], shape));
        Assert.That(e!.ParamName, Is.EqualTo("destination"));
    }

    [Test]
    public void RowsRejectOverlappingSourceAndDestination()
    {
        float[] buffer = new float[2 * 2 * 2];
        var e = Assert.Throws<ArgumentException>(
            () => _backend.Rows.GatherRows(buffer.AsSpan(0, 4), [1, 0], buffer.AsSpan(2, 4), new RowShape(1, 2, 2, 2)));
        Assert.That(e!.ParamName, Is.EqualTo("destination"));
    }
}
