using System.Diagnostics;
using System.Globalization;
using Jano.Runtime;
using Jano.Runtime.Engine;
using Jano.Runtime.Pipeline;
using Jano.Train.Export;
using static TorchSharp.torch;
using Jano.Runtime.Diagnostics;

namespace Jano.Train.Commands;

/// <summary>
/// yardstick --package DIR --checkpoint DIR [--threads 1] [--repeats 30] [--prompt "an ankle boot"]:
/// the dense denoising step of one model (guidance on: conditional and unconditional branch) in libtorch
/// (this trainer's TorchSharp module, loaded from the diffusers checkpoint) against ONNX Runtime (the
/// runtime's DenoisingEngine on the package exported from that checkpoint), the same thread count, runs
/// interleaved in one process after warm-up. Prints the median step time of each and their ratio, and
/// first checks that the two compute the same prediction, so the ratio compares equal work.
/// </summary>
public static class YardstickCommand
{
    public static int Run(string[] argv)
    {
        var a = new Args(argv);
        string package = a.Required("package"), checkpoint = a.Required("checkpoint");
        int threads = a.Int("threads", 1), repeats = a.Int("repeats", 30), warmup = a.Int("warmup", 5);
        string prompt = a.String("prompt") ?? "an ankle boot";
        a.RejectUnknown();
        if (threads < 1 || repeats < 1 || warmup < 0) throw new ArgumentException("--threads and --repeats must be at least 1, --warmup at least 0");

        set_num_threads(threads);
        set_num_interop_threads(1);
        using var torchModel = DiffusersExport.Read(checkpoint);
        using var pipeline = TextToImagePipeline.Open(package, new RuntimeOptions { Threads = threads, Provider = "cpu" });
        var dims = pipeline.Package.Manifest.Dims;
        var geometry = pipeline.Package.Manifest.Geometry;
        var config = torchModel.Config;
        if (config.Dim != dims.HiddenSize || config.NumLayers != dims.Depth || config.SampleSize != geometry.Height || config.SampleSize != geometry.Width)
            throw new ArgumentException($"{checkpoint} (width {config.Dim}, {config.NumLayers} blocks, sample {config.SampleSize}) is not the model of {package} (width {dims.HiddenSize}, {dims.Depth} blocks, sample {geometry.Describe()})");

        // Inputs: the prompt and the empty caption through the runtime's MiniLM, seeded latents, a mid-range timestep.
        var cond = pipeline.EncodePrompt(prompt);
        var uncond = pipeline.EncodePrompt("");
        int c = geometry.Channels, s = geometry.Height, length = Math.Max(cond.Tokens, uncond.Tokens);
        var latents = new float[c * s * s];
        var random = new Random(7);
        for (int i = 0; i < latents.Length; i++) latents[i] = (float)(random.NextDouble() * 2 - 1);
        const float timestep = 500f;

        var engine = pipeline.Engine;
        engine.ResetOrder();
        engine.SetCaptions(cond, uncond);
        void OrtStep() => engine.Forward(latents, timestep, geometry.Tokens);

        using var x = tensor(latents, [1, c, s, s]).expand(2, c, s, s).contiguous();
        using var t = full(2, timestep);
        using var captions = zeros(2, length, config.CaptionChannels);
        using var mask = zeros(2, length);
        foreach (var (embedding, row) in new[] { (cond, 0), (uncond, 1) })
        {
            captions[row, ..embedding.Tokens] = tensor(embedding.States, [embedding.Tokens, config.CaptionChannels]);
            mask[row, ..embedding.Tokens] = 1;
        }
        Tensor TorchStep()
        {
            using var _ = inference_mode();
            return torchModel.Forward(x, t, captions, mask);
        }

        // Same work: the conditional branch's prediction from both (first C channels of the output).
        OrtStep();
        var ortPrediction = new float[c * s * s];
        engine.Unpatchify(engine.Output(0), ortPrediction);
        float[] torchPrediction;
        using (var output = TorchStep()) torchPrediction = output[0, ..c].contiguous().data<float>().ToArray();
        double maxDiff = ortPrediction.Zip(torchPrediction, (p, q) => Math.Abs(p - q)).Max();
        Console.WriteLine($"prediction max |ONNX Runtime − libtorch| = {maxDiff:E2}");
        if (maxDiff > 1e-3)
        {
            Console.Error.WriteLine($"the two steps disagree by {maxDiff:E2} (> 1e-3): {package} is not the export of {checkpoint}");
            return 1;
        }

        for (int i = 0; i < warmup; i++) { OrtStep(); TorchStep().Dispose(); }
        var ortMs = new List<double>();
        var torchMs = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            // Alternate which goes first, so that drift in machine load falls on both alike.
            if (r % 2 == 0) { ortMs.Add(WallClock.Time(OrtStep)); torchMs.Add(WallClock.Time(() => TorchStep().Dispose())); }
            else { torchMs.Add(WallClock.Time(() => TorchStep().Dispose())); ortMs.Add(WallClock.Time(OrtStep)); }
        }
        double ort = WallClock.Median(ortMs), torch = WallClock.Median(torchMs);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"dense step (2 branches, {geometry.Tokens} tokens, {dims.Depth} blocks × {dims.HiddenSize}, {threads} thread(s), median of {repeats}): ONNX Runtime {ort:F3} ms, libtorch {torch:F3} ms, ONNX Runtime ÷ libtorch = {ort / torch:F2}"));
        return 0;
    }
}
