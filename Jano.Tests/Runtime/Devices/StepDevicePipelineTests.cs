using Jano.Core.Acceleration;
using Jano.Runtime;
using Jano.Runtime.Devices;
using Jano.Runtime.Onnx;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Devices;

/// <summary>
/// The whole step loop on each step device against the host pipeline: dense and Jano (a forced mask,
/// so rows are reordered and cached rows reused), guidance on and off, both attention backends.
/// </summary>
[TestFixture]
public sealed class StepDevicePipelineTests
{
    private TinyPixArt _model = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 2, outChannels: 2, caption: 384, seed: 41);
        _model.Export();
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    private static readonly JanoOptions Small = new()
    {
        Warmup = 2, Cooldown = 1, StaticInterval = 4, MediumInterval = 2, BlockHeight = 2, BlockWidth = 2,
    };

    private GenerationRequest[] Requests() =>
    [
        new() { Prompt = "a coat", Seed = 3, Steps = 8, Guidance = 4 },
        new() { Prompt = "a coat", Seed = 3, Steps = 8, Guidance = 4, Jano = Small, ForcedMask = TokenMask.Forced(_model.Config.Tokens, 0.25, 0.25, seed: 5) },
        new() { Prompt = "a bag", Seed = 4, Steps = 6, Guidance = 1 }, // one branch
    ];

    private static float[][] Generate(TextToImagePipeline pipeline, GenerationRequest[] requests) =>
        requests.Select(r => pipeline.Generate(r).Image).ToArray();

    [TestCase("ort")]
    [TestCase("kernel")]
    public void OpaqueHostBuffersGiveTheHostPipelinesImages(string attention)
    {
        var options = new RuntimeOptions { Threads = 1, Attention = attention };
        var requests = Requests();
        using var host = TextToImagePipeline.Open(_model.Package, options);
        using var opaque = TextToImagePipeline.Open(_model.Package, options, HostStepDevice.WithOpaqueBuffers());
        var expected = Generate(host, requests);
        var got = Generate(opaque, requests);
        for (var i = 0; i < requests.Length; i++)
            Assert.That(got[i], Is.EqualTo(expected[i]), $"request {i}: the same arithmetic must give the same bits");
    }

    [Test]
    public void OptionsAreValidatedAlsoWhenTheCallerBringsTheDevice()
    {
        var e = Assert.Throws<ArgumentException>(() => TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Attention = "flash" }, new HostStepDevice()))!;
        Assert.That(e.Message, Does.Contain("'flash'"));
    }

    /// <summary>
    /// The CUDA step device's driver-API path where libcuda.so.1 is tools/device/fake-libcuda (a host
    /// emulation that bounds-checks every copy and launch; .ci/run and its check.sh load it): every
    /// buffer operation goes through the same driver calls as on a GPU, only the graphs run on ONNX
    /// Runtime's CPU provider. Skipped elsewhere (no driver, or a real one: device addresses would be
    /// handed to the CPU provider).
    /// </summary>
    [TestCase("ort", 0.0)]
    [TestCase("kernel", 1e-4)]
    public void EmulatedDriverStepLoopGivesTheHostPipelinesImages(string attention, double tolerance)
    {
        var device = CudaStepDevice.TryCreateOnEmulatedDriver(out var reason);
        if (device is null) Assert.Ignore($"needs tools/device/fake-libcuda as libcuda.so.1: {reason}");
        if (!device.Description.Contains("fake-libcuda"))
        {
            device.Dispose();
            Assert.Ignore($"libcuda.so.1 is a real driver ({device.Description}); this test is for the host emulation only");
        }
        var options = new RuntimeOptions { Threads = 1, Attention = attention };
        using var emulated = TextToImagePipeline.Open(_model.Package, options, device);
        using var host = TextToImagePipeline.Open(_model.Package, options);
        var requests = Requests();
        var expected = Generate(host, requests);
        var got = Generate(emulated, requests);
        for (var i = 0; i < requests.Length; i++)
            Assert.That(TestData.MaxAbsDiff(got[i], expected[i]), Is.LessThanOrEqualTo(tolerance * expected[i].Max(MathF.Abs)), $"request {i}");
    }

    [TestCase("ort", "device")]
    [TestCase("kernel", "device")]
    [TestCase("ort", "host")]
    public void CudaPipelineMatchesTheCpuPipeline(string attention, string buffers)
    {
        TextToImagePipeline cuda;
        try
        {
            cuda = TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Provider = "cuda", Attention = attention, Buffers = buffers });
        }
        catch (ProviderUnavailableException e)
        {
            Assert.Ignore($"Cuda: {e.Message}");
            return;
        }
        using (cuda)
        {
            using var cpu = TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Threads = 1, Attention = attention });
            var requests = Requests();
            var expected = Generate(cpu, requests);
            var got = Generate(cuda, requests);
            Assert.That(cuda.Engine.Device.ComputeStream is not null, Is.EqualTo(buffers == "device"));
            for (var i = 0; i < requests.Length; i++)
            {
                // ONNX Runtime's CUDA provider may use TF32 matmuls (about 1e-3 relative); a wrong buffer is off by the scale.
                var scale = expected[i].Max(MathF.Abs);
                Assert.That(TestData.MaxAbsDiff(got[i], expected[i]), Is.LessThan(1e-2 * scale), $"request {i}");
            }
        }
    }
}
