using Jano.Kernels;

namespace Jano.Tests.Kernels;

/// <summary>Row gather and scatter, once per backend.</summary>
[TestFixtureSource(typeof(KernelBackend), nameof(KernelBackend.Names))]
public sealed class RowKernelTests(string backendName)
{
    private KernelBackend _backend = null!;

    [OneTimeSetUp] public void CreateBackend() => _backend = KernelBackend.Create(backendName);
    [OneTimeTearDown] public void DisposeBackend() => _backend?.Dispose();

    [Test]
    public void GatherPicksIndexedRowsPerBatch()
    {
        // Two batches of four rows of width 2: row r of batch b is (1000b + 100r, 1000b + 100r + 1).
        float[] source = TestTensors.RowNumbered(batch: 2, rows: 4, width: 2);
        float[] destination = TestTensors.Filled(2 * 3 * 2, -1f);

        _backend.Rows.GatherRows(source, [2, 0, 3], destination, new RowShape(2, SourceRows: 4, DestinationRows: 3, Width: 2));

        Assert.That(destination, Is.EqualTo(new float[]
        {
            200, 201, 0, 1, 300, 301,
            1200, 1201, 1000, 1001, 1300, 1301,
        }));
    }

    [Test]
    public void GatherLeavesRowsBeyondTheIndicesAlone()
    {
        float[] source = TestTensors.RowNumbered(batch: 1, rows: 3, width: 3);
        float[] destination = TestTensors.Filled(4 * 3, -1f);

        _backend.Rows.GatherRows(source, [1, 1], destination, new RowShape(1, 3, 4, 3));

        Assert.That(destination, Is.EqualTo(new float[] { 100, 101, 102, 100, 101, 102, -1, -1, -1, -1, -1, -1 }));
    }

    [Test]
    public void ScatterWritesIndexedRowsOnly()
    {
        float[] source = TestTensors.RowNumbered(batch: 2, rows: 2, width: 3);
        float[] destination = TestTensors.Filled(2 * 4 * 3, -1f);

        _backend.Rows.ScatterRows(source, [3, 1], destination, new RowShape(2, SourceRows: 2, DestinationRows: 4, Width: 3));

        Assert.That(destination, Is.EqualTo(new float[]
        {
            -1, -1, -1, 100, 101, 102, -1, -1, -1, 0, 1, 2,
            -1, -1, -1, 1100, 1101, 1102, -1, -1, -1, 1000, 1001, 1002,
        }));
    }

    [Test]
    public void ScatterOfGatherRestoresAPermutation()
    {
        const int rows = 10, width = 5, batch = 2;
        int[] permutation = [7, 2, 9, 0, 4, 1, 8, 3, 6, 5];
        float[] original = TestTensors.Uniform(batch * rows * width, 11);
        float[] permuted = new float[original.Length];
        float[] restored = TestTensors.Filled(original.Length, float.NaN);
        var shape = new RowShape(batch, rows, rows, width);

        _backend.Rows.GatherRows(original, permutation, permuted, shape);
        _backend.Rows.ScatterRows(permuted, permutation, restored, shape);

        Assert.That(restored, Is.EqualTo(original));
        Assert.That(permuted.AsSpan(0, width).ToArray(), Is.EqualTo(original.AsSpan(7 * width, width).ToArray()));
    }

    [Test]
    public void ScatterOfAPrefixUpdatesOnlyThoseRows()
    {
        // Jano's pattern: a subset computed in scheduling order is written back to its token rows.
        const int rows = 6, width = 4;
        int[] permutation = [4, 0, 5, 2, 1, 3];
        float[] everything = TestTensors.Uniform(rows * width, 12);
        float[] subset = TestTensors.Uniform(2 * width, 13);
        float[] expected = (float[])everything.Clone();
        Array.Copy(subset, 0, expected, 4 * width, width);
        Array.Copy(subset, width, expected, 0, width);

        _backend.Rows.ScatterRows(subset, permutation.AsSpan(0, 2), everything, new RowShape(1, 2, rows, width));

        Assert.That(everything, Is.EqualTo(expected));
    }

    [Test]
    public void EmptyIndicesChangeNothing()
    {
        float[] source = TestTensors.Uniform(6, 14);
        float[] destination = TestTensors.Filled(6, 3f);

        _backend.Rows.GatherRows(source, [], destination, new RowShape(1, 3, 3, 2));
        _backend.Rows.ScatterRows(source, [], destination, new RowShape(1, 3, 3, 2));

        Assert.That(destination, Is.All.EqualTo(3f));
    }
}
