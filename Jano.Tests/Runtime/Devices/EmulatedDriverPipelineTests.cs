using Jano.Runtime;
using Jano.Runtime.Devices;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Devices;

/// <summary>
/// The whole step loop on the CUDA step device's driver-API path, against the host pipeline, where
/// libcuda.so.1 is tools/device/fake-libcuda (a host emulation: .ci/run and its check.sh load it). Every
/// copy, gather and launch the engine makes then goes through the same driver calls as on a GPU and is
/// bounds-checked by the emulation; only the graphs run on ONNX Runtime's CPU provider. Skipped with the
/// reason elsewhere (no driver, or a real one: this binds device addresses as host memory).
/// </summary>
[TestFixture]
public sealed class EmulatedDriverPipelineTests
{
    private TinyPixArt _model = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 2, outChannels: 2, caption: 384, seed: 43);
        _model.Export();
    }

    [OneTimeTearDown]
    public void Cleanup() => _model?.Dispose();

    private static CudaStepDevice EmulatedDevice()
    {
        var device = CudaStepDevice.TryCreateOnEmulatedDriver(out var reason);
        if (device is null) Assert.Ignore($"needs tools/device/fake-libcuda as libcuda.so.1: {reason}");
        if (!device.Description.Contains("fake-libcuda"))
        {
            device.Dispose();
            Assert.Ignore($"libcuda.so.1 is a real driver ({device.Description}); this test is for the host emulation only");
        }
        return device;
    }

    [TestCase("ort", 0.0)]
    [TestCase("kernel", 1e-4)]
    public void StepLoopOnTheDriverPathGivesTheHostPipelinesImages(string attention, double tolerance)
    {
        var options = new RuntimeOptions { Threads = 1, Attention = attention };
        using var emulated = PixArtPipeline.Open(_model.Package, options, EmulatedDevice());
        using var host = PixArtPipeline.Open(_model.Package, options);
        GenerationRequest[] requests =
        [
            new() { Prompt = "a dress", Seed = 5, Steps = 8, Guidance = 4 },
            new() { Prompt = "a dress", Seed = 5, Steps = 8, Guidance = 4, Jano = new JanoOptions
            {
                Warmup = 2, Cooldown = 1, StaticInterval = 4, MediumInterval = 2, BlockHeight = 2, BlockWidth = 2,
            }, ForcedMask = TokenMask.Forced(_model.Config.Tokens, 0.25, 0.25, seed: 9) },
            new() { Prompt = "a sandal", Seed = 6, Steps = 5, Guidance = 1 },
        ];
        foreach (var request in requests)
        {
            var expected = host.Generate(request).Image;
            var got = emulated.Generate(request).Image;
            var scale = expected.Max(MathF.Abs);
            Assert.That(TestData.MaxAbsDiff(got, expected), Is.LessThanOrEqualTo(tolerance * scale), $"{request.Prompt}, jano {request.Jano is not null}");
        }
    }
}
