using System.Globalization;
using Jano.Runtime;
using Jano.Runtime.Pipeline;
using Jano.Cli;

namespace Jano.Device;

/// <summary>
/// The dense denoising step time of a package (guidance on: both branches), as the user path runs it:
/// one warm-up generation (provider start-up, kernel selection), then one timed generation; prints the
/// median step time. `--buffers host` keeps the step loop's buffers in host memory on CUDA, for the
/// before/after of the device-resident loop. The PyTorch side of the comparison is tools/device/torch_step.py.
/// </summary>
internal static class DenseStepTime
{
    public static int Run(string[] argv, TextWriter output)
    {
        var a = new DeviceArguments(argv, PositiveOption.NoSwitches);
        var package = a.RequiredString("package");
        var provider = a.String("provider") ?? "cuda";
        var attention = a.String("attention") ?? "ort";
        var buffers = a.String("buffers") ?? "auto";
        var steps = a.PositiveInt("steps", 20);
        a.EnsureAllUsed();

        using var pipeline = TextToImagePipeline.Open(package, new RuntimeOptions { Provider = provider, Attention = attention, Buffers = buffers });
        var request = new GenerationRequest { Prompt = "a photo of a cat", Seed = 1, Steps = steps, Guidance = 4.5 };
        pipeline.Generate(request with { Steps = 3 });
        var result = pipeline.Generate(request);
        var sorted = result.StepMs.Order().ToArray();
        var d = pipeline.Package.Manifest;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dense step: {sorted[sorted.Length / 2]:F3} ms (median of {steps}), {d.Dims.Depth} blocks x {d.Dims.HiddenSize}, {d.Geometry.Tokens} tokens, {d.DType}, provider {pipeline.Sessions.Provider}, attention {attention}, buffers: {pipeline.Engine.Device.Description}"));
        return 0;
    }
}
