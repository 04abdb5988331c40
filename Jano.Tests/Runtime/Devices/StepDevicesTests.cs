using Jano.Runtime;
using Jano.Runtime.Devices;
using Jano.Runtime.Onnx;

namespace Jano.Tests.Runtime.Devices;

/// <summary>Which step device a run gets from its options.</summary>
[TestFixture]
public sealed class StepDevicesTests
{
    [TestCase("auto")]
    [TestCase("device")]
    [TestCase("host")]
    public void TheCpuProviderAlwaysGetsHostMemoryWithoutANote(string buffers)
    {
        var options = new RuntimeOptions { Provider = "cpu", Buffers = buffers, Threads = 1 };
        using var device = StepDevices.Create(new OrtSessionFactory(options), options, attention: null, out var note);
        Assert.That(device, Is.InstanceOf<HostStepDevice>());
        Assert.That(device.ComputeStream, Is.Null);
        Assert.That(note, Is.Null);
    }

    [Test]
    public void UnknownBuffersOrAttentionAreRejectedByName()
    {
        var bad = new RuntimeOptions { Provider = "cpu", Buffers = "gpu" };
        var e = Assert.Throws<ArgumentException>(() => StepDevices.Create(new OrtSessionFactory(bad), bad, null, out _))!;
        Assert.That(e.Message, Does.Contain("buffers 'gpu'").And.Contain("auto, device, host"));
        var attention = new RuntimeOptions { Provider = "cpu", Attention = "flash" };
        e = Assert.Throws<ArgumentException>(() => StepDevices.Create(new OrtSessionFactory(attention), attention, null, out _))!;
        Assert.That(e.Message, Does.Contain("'flash'"));
    }
}
