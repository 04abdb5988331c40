using System.Globalization;
using Jano.Core.IO;
using Jano.Export;
using Jano.Export.Pipelines;
using Jano.Runtime;
using Jano.Runtime.Engine;
using Jano.Runtime.Pipeline;

namespace Jano.Tests.Golden;

/// <summary>
/// A whole tiny FLUX pipeline against diffusers' FluxPipeline itself (v0.32.2,
/// tools/golden/gen_flux_pipeline.py): the folder (FLUX transformer with guidance embedding, 16-channel
/// AutoencoderKL with FLUX.1's scaling and shift, FlowMatch Euler with FLUX.1-dev's dynamic shifting;
/// saved without text components) exported with `export --pipeline` (--text-tokens = the fixture's
/// caption rows), then one generation from the same embeddings and the same unpacked noise, 4 steps at
/// 64×48 pixels: embedded guidance 3.5 alone (one branch), and with true CFG 2 (two branches). The image is
/// compared pixel by pixel after diffusers' postprocessing, the final latents relative to their largest
/// value; tolerance 1e-4 on both.
/// </summary>
[TestFixture]
public sealed class FluxPipelineGoldenTests
{
    private const double Tolerance = 1e-4;
    private const string Name = "pipeline/flux";

    [TestCase("io.safetensors")]
    [TestCase("io_true_cfg.safetensors")]
    public void OneGenerationGivesDiffusersImagePixelByPixel(string ioFile)
    {
        using var folder = new TempFolder();
        var package = Path.Combine(folder.Path, "package");
        using var io = GoldenFixtures.Open($"{Name}/{ioFile}");
        var meta = io.Metadata;
        int height = int.Parse(meta["height"]), width = int.Parse(meta["width"]), steps = int.Parse(meta["steps"]);
        var scale = int.Parse(meta["vae_scale_factor"]);
        var manifest = FluxPipelineExporter.Export(GoldenFixtures.PathOf(Name), package,
            new ExportOptions { Size = (height / scale, width / scale), TextTokens = int.Parse(meta["text_tokens"]), WholeGraph = false });
        Assert.That(manifest.Components.TextEncoders, Is.Empty, "no text encoders in the folder, none in the package");
        Assert.That(manifest.Transformer.Guidance, Is.EqualTo("embedded"));
        var guidance = double.Parse(meta["guidance_scale"], CultureInfo.InvariantCulture);
        var trueCfg = double.Parse(meta["true_cfg_scale"], CultureInfo.InvariantCulture);

        using var pipeline = TextToImagePipeline.Open(package, new RuntimeOptions { Threads = 1 });
        var result = pipeline.Generate(new GenerationRequest
        {
            Prompt = "(embeddings given)", Steps = steps, Guidance = guidance, TrueCfg = trueCfg, Width = width, Height = height,
            PromptStates = Caption(io, "prompt_embeds", "pooled_prompt_embeds"),
            NegativePromptStates = io.Contains("negative_prompt_embeds") ? Caption(io, "negative_prompt_embeds", "negative_pooled_prompt_embeds") : null,
            InitialNoise = io.ReadAsFloat32("noise"),
        });

        Assert.That((result.Channels, result.Height, result.Width), Is.EqualTo((3, height, width)));
        var latentsError = GoldenFixtures.RelativeError(result.Latents!, io.ReadAsFloat32("final_latents"));
        var image = result.Image.Select(v => Math.Clamp(v * 0.5f + 0.5f, 0f, 1f)).ToArray();
        var expected = io.ReadAsFloat32("image");
        var pixelError = image.Zip(expected, (a, b) => Math.Abs(a - (double)b)).Max();
        TestContext.Out.WriteLine($"flux pipeline ({ioFile}, guidance {guidance}, true CFG {trueCfg}): final latents relative error {latentsError:E2}, largest pixel error {pixelError:E2} (image in [0, 1])");
        Assert.That(latentsError, Is.LessThanOrEqualTo(Tolerance), "final latents");
        Assert.That(pixelError, Is.LessThanOrEqualTo(Tolerance), "image pixels");
    }

    private static CaptionInput Caption(SafetensorsFile io, string embeds, string pooled)
    {
        var tokens = (int)io.Get(embeds).Shape[1];
        return new CaptionInput(io.ReadAsFloat32(embeds), tokens, io.ReadAsFloat32(pooled));
    }
}
