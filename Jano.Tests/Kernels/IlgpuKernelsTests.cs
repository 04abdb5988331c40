using ILGPU.Runtime;
using Jano.Kernels;
using Jano.Kernels.Ilgpu;

namespace Jano.Tests.Kernels;

/// <summary>What is particular to the ILGPU device-level entry points, on ILGPU's CPU accelerator.</summary>
public sealed class IlgpuKernelsTests
{
    private IlgpuKernels _kernels = null!;

    [OneTimeSetUp] public void Create() => _kernels = IlgpuKernels.CreateCpu();
    [OneTimeTearDown] public void Dispose() => _kernels?.Dispose();

    [Test]
    public void HeadDimIsLimitedToFourLanesPerWarp()
    {
        Assert.That(_kernels.MaxHeadDim, Is.EqualTo(4 * _kernels.Accelerator.WarpSize));
        var shape = AttentionShape.Create(1, 1, 1, 1, 1, _kernels.MaxHeadDim + 1);
        using var q = _kernels.Accelerator.Allocate1D<float>(shape.QueryLength);
        using var kv = _kernels.Accelerator.Allocate1D<float>(shape.KeyValueLength);
        Assert.Throws<NotSupportedException>(() => _kernels.Attention(q.View, kv.View, kv.View, q.View, shape));
    }

    [Test]
    public void DeviceEntryPointsWorkOnViewsWithoutHostCopies()
    {
        var shape = AttentionShape.Create(1, 2, 3, 4, 2, 6);
        float[] q = TestTensors.Uniform((int)shape.QueryLength, 21);
        float[] k = TestTensors.Uniform((int)shape.KeyValueLength, 22);
        float[] v = TestTensors.Uniform((int)shape.KeyValueLength, 23);
        Accelerator accelerator = _kernels.Accelerator;
        using var dq = accelerator.Allocate1D(q);
        using var dk = accelerator.Allocate1D(k);
        using var dv = accelerator.Allocate1D(v);
        using var dO = accelerator.Allocate1D<float>(shape.QueryLength);

        _kernels.Attention(dq.View, dk.View, dv.View, dO.View, shape);
        _kernels.Synchronize();

        double[] expected = ReferenceAttention.Compute(q, k, v, shape);
        float[] actual = dO.GetAsArray1D();
        for (int i = 0; i < actual.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-4), $"element {i}");
    }

    [Test]
    public void DeviceEntryPointsValidateViewLengths()
    {
        var shape = new RowShape(1, 4, 2, 3);
        using var source = _kernels.Accelerator.Allocate1D<float>(12);
        using var indices = _kernels.Accelerator.Allocate1D<int>(2);
        using var destination = _kernels.Accelerator.Allocate1D<float>(5);
        var e = Assert.Throws<ArgumentException>(
            () => _kernels.GatherRows(source.View, indices.View, destination.View, shape));
        Assert.That(e!.ParamName, Is.EqualTo("destination"));
    }
}
