using Jano.Core.IO;
using Jano.Export;
using Jano.Export.Pipelines;
using Jano.Runtime;
using Jano.Runtime.Engine;
using Jano.Runtime.Pipeline;

namespace Jano.Tests.Golden;

/// <summary>
/// A whole tiny PixArt-α pipeline against diffusers' PixArtAlphaPipeline itself (v0.32.2,
/// tools/golden/gen_pipeline.py): the pipeline folder (transformer, AutoencoderKL, DPM-Solver
/// multistep; saved without its text encoder) exported with `export --pipeline`, then one generation
/// from the same caption embeddings, masks and initial noise, 4 steps, guidance 4.5, at 16×24 pixels
/// (another size than the transformer's own 8×8 latents, so the position table is made at run time).
/// The image is compared pixel by pixel after diffusers' postprocessing ((x + 1) / 2 clamped to [0, 1]),
/// the final latents relative to their largest value. Tolerance 1e-4 on both: the latents reach a few
/// hundred (random noise predictions scaled by the solver), so absolute errors are relative ones.
/// The micro case adds PixArt-α 1024's micro-conditions (the transformer's sample_size 128).
/// </summary>
[TestFixture]
public sealed class PixArtPipelineGoldenTests
{
    private const double Tolerance = 1e-4;

    [TestCase("pixart_alpha", false)]
    [TestCase("pixart_alpha", true)]
    [TestCase("pixart_alpha_micro", false)]
    public void OneGenerationGivesDiffusersImagePixelByPixel(string name, bool janoAllActive)
    {
        using var folder = new TempFolder();
        var package = Path.Combine(folder.Path, "package");
        PixArtPipelineExporter.Export(GoldenFixtures.PathOf($"pipeline/{name}"), package, new ExportOptions());
        using var io = GoldenFixtures.Open($"pipeline/{name}/io.safetensors");
        var meta = io.Metadata;
        int height = int.Parse(meta["height"]), width = int.Parse(meta["width"]), steps = int.Parse(meta["steps"]);
        var guidance = double.Parse(meta["guidance_scale"], System.Globalization.CultureInfo.InvariantCulture);

        using var pipeline = TextToImagePipeline.Open(package, new RuntimeOptions { Threads = 1 });
        var request = new GenerationRequest
        {
            Prompt = "(embeddings given)", Steps = steps, Guidance = guidance, Width = width, Height = height,
            ResolutionBinning = false, // as the reference ran (use_resolution_binning=False)
            PromptStates = Caption(io, "prompt_embeds", "prompt_attention_mask"),
            NegativePromptStates = Caption(io, "negative_prompt_embeds", "negative_prompt_attention_mask"),
            InitialNoise = io.ReadAsFloat32("latents"),
        };
        if (janoAllActive) // Jano with every token active must be dense, on the same multistep scheduler.
        {
            var tokens = pipeline.GeometryFor(request).Tokens;
            request = request with
            {
                Jano = new Jano.Core.Acceleration.JanoOptions { Warmup = 2, Cooldown = 1, StaticInterval = 2, MediumInterval = 1 },
                ForcedMask = Jano.Runtime.Scheduling.TokenMask.Forced(tokens, 1, 0, seed: 3),
            };
        }
        var result = pipeline.Generate(request);

        Assert.That((result.Channels, result.Height, result.Width), Is.EqualTo((3, height, width)));
        var latentsError = GoldenFixtures.RelativeError(result.Latents!, io.ReadAsFloat32("final_latents"));
        var image = result.Image.Select(v => Math.Clamp(v * 0.5f + 0.5f, 0f, 1f)).ToArray();
        var expected = io.ReadAsFloat32("image");
        var pixelError = image.Zip(expected, (a, b) => Math.Abs(a - (double)b)).Max();
        TestContext.Out.WriteLine($"{name}{(janoAllActive ? " (Jano, all active)" : "")}: final latents relative error {latentsError:E2}, largest pixel error {pixelError:E2} (image in [0, 1])");
        Assert.That(latentsError, Is.LessThanOrEqualTo(Tolerance), "final latents");
        Assert.That(pixelError, Is.LessThanOrEqualTo(Tolerance), "image pixels");
    }

    /// <summary>The real tokens' rows of a padded embedding (its mask a prefix of ones).</summary>
    private static CaptionInput Caption(SafetensorsFile io, string embeds, string mask)
    {
        var shape = io.Get(embeds).Shape;
        int length = (int)shape[1], width = (int)shape[2];
        var m = io.ReadAsFloat32(mask);
        var real = m.Count(v => v > 0.5f);
        Assert.That(m.Take(real).All(v => v > 0.5f), $"{mask} is a prefix of ones");
        return new CaptionInput(io.ReadAsFloat32(embeds).AsSpan(0, real * width).ToArray(), real);
    }
}
