using Jano.Core.IO;
using Jano.Export;
using Jano.Export.Pipelines;
using Jano.Runtime;
using Jano.Runtime.Engine;
using Jano.Runtime.Pipeline;

namespace Jano.Tests.Golden;

/// <summary>
/// A whole tiny SD3 pipeline against diffusers' StableDiffusion3Pipeline itself (v0.32.2,
/// tools/golden/gen_sd3_pipeline.py): the pipeline folder (SD3 transformer, 16-channel AutoencoderKL
/// with scaling and shift, FlowMatch Euler with shift 3; saved without any text component) exported
/// with `export --pipeline` (no text encoders: 333 caption rows by default), then one generation from
/// the same caption states, pooled vectors and initial noise, 4 steps, guidance 5.0, at 16×24 pixels,
/// from a package exported at that size (--size 8x12) and from one of the config's size (8×8 latent
/// pixels), which crops its position rows for 8×12 from diffusers' sin-cos table.
/// The image is compared pixel by pixel after diffusers' postprocessing ((x + 1) / 2 clamped to [0, 1]),
/// the final latents relative to their largest value; tolerance 1e-4 on both.
/// </summary>
[TestFixture]
public sealed class Sd3PipelineGoldenTests
{
    private const double Tolerance = 1e-4;
    private const string Name = "pipeline/sd3";

    [TestCase(true)]
    [TestCase(false)]
    public void OneGenerationGivesDiffusersImagePixelByPixel(bool exportedAtTheFixtureSize)
    {
        using var folder = new TempFolder();
        var package = Path.Combine(folder.Path, "package");
        using var io = GoldenFixtures.Open($"{Name}/io.safetensors");
        var meta = io.Metadata;
        int height = int.Parse(meta["height"]), width = int.Parse(meta["width"]), steps = int.Parse(meta["steps"]);
        var scale = int.Parse(meta["vae_scale_factor"]);
        // Exported at the fixture's latent size (--size, latent pixels), or at the config's (8×8) and generated at 16×24 pixels.
        var manifest = Sd3PipelineExporter.Export(GoldenFixtures.PathOf(Name), package,
            new ExportOptions { Size = exportedAtTheFixtureSize ? (height / scale, width / scale) : null });
        Assert.That(manifest.Geometry.Width == width / scale, Is.EqualTo(exportedAtTheFixtureSize));
        Assert.That(manifest.Components.TextEncoders, Is.Empty, "no text encoders in the folder, none in the package");
        var guidance = double.Parse(meta["guidance_scale"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(manifest.Geometry.PrefixRows, Is.EqualTo(int.Parse(meta["text_tokens"])), "the default caption length is the fixture's");

        using var pipeline = TextToImagePipeline.Open(package, new RuntimeOptions { Threads = 1 });
        var result = pipeline.Generate(new GenerationRequest
        {
            Prompt = "(embeddings given)", Steps = steps, Guidance = guidance, Width = width, Height = height,
            PromptStates = Caption(io, "prompt_embeds", "pooled_prompt_embeds"),
            NegativePromptStates = Caption(io, "negative_prompt_embeds", "negative_pooled_prompt_embeds"),
            InitialNoise = io.ReadAsFloat32("latents"),
        });

        Assert.That((result.Channels, result.Height, result.Width), Is.EqualTo((3, height, width)));
        var latentsError = GoldenFixtures.RelativeError(result.Latents!, io.ReadAsFloat32("final_latents"));
        var image = result.Image.Select(v => Math.Clamp(v * 0.5f + 0.5f, 0f, 1f)).ToArray();
        var expected = io.ReadAsFloat32("image");
        var pixelError = image.Zip(expected, (a, b) => Math.Abs(a - (double)b)).Max();
        TestContext.Out.WriteLine($"sd3 pipeline (package of {manifest.Geometry.Describe()} latent pixels): final latents relative error {latentsError:E2}, largest pixel error {pixelError:E2} (image in [0, 1])");
        Assert.That(latentsError, Is.LessThanOrEqualTo(Tolerance), "final latents");
        Assert.That(pixelError, Is.LessThanOrEqualTo(Tolerance), "image pixels");
    }

    /// <summary>
    /// Jano on MMDiT with every image token active (a forced all-active mask; its schedule still runs
    /// warm-up, reorders and refreshes) must be dense: the text prefix rows are computed every step
    /// either way, and the image rows all are. Same package, same inputs; ≤ 1e-6 relative.
    /// </summary>
    [Test]
    public void JanoWithEveryImageTokenActiveEqualsDense()
    {
        using var folder = new TempFolder();
        var package = Path.Combine(folder.Path, "package");
        using var io = GoldenFixtures.Open($"{Name}/io.safetensors");
        var meta = io.Metadata;
        int height = int.Parse(meta["height"]), width = int.Parse(meta["width"]), steps = int.Parse(meta["steps"]);
        var scale = int.Parse(meta["vae_scale_factor"]);
        Sd3PipelineExporter.Export(GoldenFixtures.PathOf(Name), package, new ExportOptions { Size = (height / scale, width / scale) });
        using var pipeline = TextToImagePipeline.Open(package, new RuntimeOptions { Threads = 1 });
        var dense = new GenerationRequest
        {
            Prompt = "(embeddings given)", Steps = 8, Guidance = double.Parse(meta["guidance_scale"], System.Globalization.CultureInfo.InvariantCulture), // 8 steps: 5 of them Jano steps
            Width = width, Height = height,
            PromptStates = Caption(io, "prompt_embeds", "pooled_prompt_embeds"),
            NegativePromptStates = Caption(io, "negative_prompt_embeds", "negative_pooled_prompt_embeds"),
            InitialNoise = io.ReadAsFloat32("latents"),
        };
        var tokens = pipeline.GeometryFor(dense).Tokens;
        var jano = dense with
        {
            Jano = new Jano.Core.Acceleration.JanoOptions { Warmup = 2, Cooldown = 1, StaticInterval = 2, MediumInterval = 1 },
            ForcedMask = Jano.Runtime.Scheduling.TokenMask.Forced(tokens, 1, 0, seed: 4),
        };
        var a = pipeline.Generate(dense).Latents!;
        var janoResult = pipeline.Generate(jano);
        Assert.That(janoResult.Jano, Is.Not.Null, "the run went through Jano's schedule");
        Assert.That(janoResult.Jano!.ActiveFraction, Is.EqualTo(1.0), "every token at the active level");
        Assert.That(janoResult.Jano.Levels.Distinct().Count(), Is.GreaterThan(1), "warm-up, Jano and cool-down steps all ran");
        var b = janoResult.Latents!;
        var error = GoldenFixtures.RelativeError(b, a);
        TestContext.Out.WriteLine($"sd3 pipeline, Jano with every image token active against dense: final latents relative error {error:E2}");
        Assert.That(error, Is.LessThanOrEqualTo(1e-6));
    }

    [Test]
    public void CaptionLengthCanBeGivenForAPipelineWithoutTextEncoders()
    {
        using var folder = new TempFolder();
        var manifest = Sd3PipelineExporter.Export(GoldenFixtures.PathOf(Name), Path.Combine(folder.Path, "package"),
            new ExportOptions { TextTokens = 20, WholeGraph = false });
        Assert.That(manifest.Geometry.PrefixRows, Is.EqualTo(20));
    }

    /// <summary>All of a caption's rows (SD3 takes the padded length whole) and its pooled vector.</summary>
    private static CaptionInput Caption(SafetensorsFile io, string embeds, string pooled)
    {
        var tokens = (int)io.Get(embeds).Shape[1];
        return new CaptionInput(io.ReadAsFloat32(embeds), tokens, io.ReadAsFloat32(pooled));
    }
}
