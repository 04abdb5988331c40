using Jano.Kernels;
using Jano.Runtime.Devices;
using Jano.Tests.Kernels;

namespace Jano.Tests.Runtime.Devices;

/// <summary>
/// Every step device's buffer operations against plain loops over host arrays, one test body per
/// device: host memory, host memory whose arrays are hidden (the GPU's data path), and CUDA device
/// memory where a GPU exists (Ignored with the reason elsewhere).
/// </summary>
[TestFixture("Host")]
[TestFixture("HostOpaque")]
[TestFixture("Cuda")]
public sealed class StepDeviceTests(string deviceName)
{
    private IStepDevice _device = null!;

    [OneTimeSetUp]
    public void CreateDevice()
    {
        switch (deviceName)
        {
            case "Host": _device = new HostStepDevice(); break;
            case "HostOpaque": _device = HostStepDevice.WithOpaqueBuffers(); break;
            case "Cuda":
                var cuda = CudaStepDevice.TryCreate(0, out var reason);
                if (cuda is null) Assert.Ignore($"Cuda: {reason}");
                _device = cuda;
                break;
            default: throw new ArgumentException(deviceName);
        }
    }

    [OneTimeTearDown]
    public void DisposeDevice() => _device?.Dispose();

    private float[] Read(StepBuffer buffer)
    {
        var values = new float[buffer.Length];
        _device.Download(buffer, 0, values);
        return values;
    }

    [Test]
    public void NewBuffersAreZero()
    {
        using var buffer = _device.Allocate(5, 3);
        Assert.That(Read(buffer), Is.All.EqualTo(0f));
    }

    [Test]
    public void UploadAtAnOffsetThenDownloadGivesTheValuesBack()
    {
        using var buffer = _device.Allocate(4, 5);
        var values = TestTensors.Uniform(7, seed: 1);
        _device.Upload(values, buffer, 6);
        var all = Read(buffer);
        Assert.That(all.AsSpan(6, 7).ToArray(), Is.EqualTo(values));
        Assert.That(all.Take(6).Concat(all.Skip(13)), Is.All.EqualTo(0f));
        var part = new float[3];
        _device.Download(buffer, 8, part);
        Assert.That(part, Is.EqualTo(values.AsSpan(2, 3).ToArray()));
    }

    [Test]
    public void CopyMovesOneRangeAndLeavesTheRest()
    {
        using var source = _device.Allocate(3, 4);
        using var destination = _device.Allocate(5, 4);
        var s = TestTensors.Uniform(12, seed: 2);
        var d = TestTensors.Uniform(20, seed: 3);
        _device.Upload(s, source, 0);
        _device.Upload(d, destination, 0);
        _device.Copy(source, 2, destination, 9, 6);
        Array.Copy(s, 2, d, 9, 6);
        Assert.That(Read(destination), Is.EqualTo(d));
    }

    [Test]
    public void CopyWithinOneBufferBetweenDisjointRanges()
    {
        using var buffer = _device.Allocate(2, 6);
        var values = TestTensors.Uniform(12, seed: 4);
        _device.Upload(values, buffer, 0);
        _device.Copy(buffer, 0, buffer, 6, 6); // branch 1 ← branch 0, as the engine does with patches
        Assert.That(Read(buffer), Is.EqualTo(values.Take(6).Concat(values.Take(6)).ToArray()));
    }

    [Test]
    public void GatherPermutesTheRowsOfEveryItemIntoALargerBuffer()
    {
        const int batch = 2, rows = 5, width = 3;
        int[] order = [3, 0, 4, 1, 2];
        using var source = _device.Allocate(batch * rows, width);
        using var destination = _device.Allocate(batch * rows + 4, 7); // scratch wider than the rows, as in reordering
        var s = TestTensors.RowNumbered(batch, rows, width);
        _device.Upload(s, source, 0);
        _device.GatherRows(source, order, destination, new RowShape(batch, rows, rows, width));
        var got = Read(destination);
        for (var b = 0; b < batch; b++)
            for (var i = 0; i < rows; i++)
                for (var c = 0; c < width; c++)
                    Assert.That(got[(b * rows + i) * width + c], Is.EqualTo(s[(b * rows + order[i]) * width + c]), $"b{b} i{i} c{c}");
    }

    [Test]
    public void AttentionOverBufferPrefixesMatchesTheReference()
    {
        var shape = AttentionShape.Create(batch: 2, queries: 3, keys: 6, keyCapacity: 6, heads: 2, headDim: 4);
        var q = TestTensors.Uniform((int)shape.QueryLength, seed: 5);
        var k = TestTensors.Uniform((int)shape.KeyValueLength, seed: 6);
        var v = TestTensors.Uniform((int)shape.KeyValueLength, seed: 7);
        using var dq = _device.Allocate(2 * 6, 8); // room for n = N: the engine's packed buffers
        using var dk = _device.Allocate(2 * 6, 8);
        using var dv = _device.Allocate(2 * 6, 8);
        using var dO = _device.Allocate(2 * 6, 8);
        _device.Upload(q, dq, 0);
        _device.Upload(k, dk, 0);
        _device.Upload(v, dv, 0);
        _device.Attention(dq, dk, dv, dO, shape);
        var o = Read(dO).AsSpan(0, (int)shape.QueryLength).ToArray();
        Assert.That(TestData.MaxAbsDiff(o, ReferenceAttention.Compute(q, k, v, shape)), Is.LessThan(1e-5));
    }

    [Test]
    public void RangesOutsideABufferAreRejectedWithTheSizes()
    {
        using var buffer = _device.Allocate(2, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _device.Upload(new float[4], buffer, 3))!;
        Assert.That(e.Message, Does.Contain("[3, 7)").And.Contain("6"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _device.Download(buffer, 5, new float[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _device.Copy(buffer, 0, buffer, 4, 3));
        using var small = _device.Allocate(1, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => _device.GatherRows(buffer, [0, 1, 2], small, new RowShape(1, 2, 3, 3)));
    }

    [Test]
    public void GatherWithAnIndexOutsideTheSourceIsRejected()
    {
        using var source = _device.Allocate(3, 2);
        using var destination = _device.Allocate(3, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => _device.GatherRows(source, [0, 3, 1], destination, new RowShape(1, 3, 3, 2)));
    }
}
