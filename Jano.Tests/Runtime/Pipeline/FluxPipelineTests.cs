using Jano.Core.Acceleration;
using Jano.Export;
using Jano.Export.Pipelines;
using Jano.Runtime;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;
using Jano.Tests.Golden;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>
/// A tiny random FLUX pipeline (init-random flux-dev / flux-schnell) exported with its CLIP-L and T5 and
/// generated from prompts: Jano with every image token active equals dense (one branch with the embedded
/// guidance, and two with true CFG), the guidance modes, and the conditioning's fixed caption rows.
/// </summary>
[TestFixture]
public sealed class FluxPipelineTests
{
    private static readonly Lazy<string> DevPackage = new(() => Package(FluxRandomPipeline.DevName));
    private static readonly Lazy<string> SchnellPackage = new(() => Package(FluxRandomPipeline.SchnellName));

    /// <summary>A package of the random pipeline: 16×16 latent (128² pixels through its 8× VAE), 24 T5 rows.</summary>
    private static string Package(string kind)
    {
        var root = Path.Combine(Path.GetTempPath(), $"jano-flux-{kind}-{Environment.ProcessId}");
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        FluxRandomPipeline.Write(kind, Path.Combine(root, "pipeline"), seed: 7);
        var package = Path.Combine(root, "package");
        FluxPipelineExporter.Export(Path.Combine(root, "pipeline"), package, new ExportOptions { Size = (16, 16), MaxSequenceLength = 24, WholeGraph = false });
        return package;
    }

    [OneTimeTearDown]
    public void RemovePackages()
    {
        foreach (var p in new[] { DevPackage, SchnellPackage })
            if (p.IsValueCreated) Directory.Delete(Path.GetDirectoryName(p.Value)!, recursive: true);
    }

    [TestCase(null)]
    [TestCase(2.5)]
    public void JanoWithEveryImageTokenActiveEqualsDense(double? trueCfg)
    {
        using var pipeline = TextToImagePipeline.Open(DevPackage.Value, new RuntimeOptions { Threads = 1 });
        var dense = new GenerationRequest { Prompt = "a red cube", NegativePrompt = "blurry", Seed = 3, Steps = 8, TrueCfg = trueCfg };
        var tokens = pipeline.GeometryFor(dense).Tokens;
        var jano = dense with
        {
            Jano = new JanoOptions { Warmup = 2, Cooldown = 1, StaticInterval = 2, MediumInterval = 1 },
            ForcedMask = TokenMask.Forced(tokens, 1, 0, seed: 4),
        };
        var a = pipeline.Generate(dense);
        var b = pipeline.Generate(jano);
        Assert.That(b.Jano!.ActiveFraction, Is.EqualTo(1.0));
        Assert.That(b.Jano.Levels.Distinct().Count(), Is.GreaterThan(1), "warm-up, Jano and cool-down steps all ran");
        Assert.That(a.TrueCfg, Is.EqualTo(trueCfg ?? 1.0));
        var error = GoldenFixtures.RelativeError(b.Latents!, a.Latents!);
        TestContext.Out.WriteLine($"flux-dev (true CFG {trueCfg?.ToString() ?? "off"}): Jano all active against dense, relative error {error:E2}");
        Assert.That(error, Is.LessThanOrEqualTo(1e-6));
    }

    [Test]
    public void TheEmbeddedGuidanceAndTrueCfgEachChangeTheImage()
    {
        using var pipeline = TextToImagePipeline.Open(DevPackage.Value, new RuntimeOptions { Threads = 1 });
        var request = new GenerationRequest { Prompt = "a red cube", Seed = 1, Steps = 4 };
        var baseline = pipeline.Generate(request);
        Assert.That(baseline.Guidance, Is.EqualTo(3.5), "FluxPipeline's default guidance_scale, embedded");
        var guided = pipeline.Generate(request with { Guidance = 1.5 });
        var cfg = pipeline.Generate(request with { TrueCfg = 3 });
        Assert.That(GoldenFixtures.RelativeError(guided.Latents!, baseline.Latents!), Is.GreaterThan(1e-4), "the guidance scale reaches the cond graph");
        Assert.That(GoldenFixtures.RelativeError(cfg.Latents!, baseline.Latents!), Is.GreaterThan(1e-4), "true CFG runs a second branch");
    }

    [Test]
    public void EveryCaptionHasThePackagesRowsWithThePooledVector()
    {
        using var pipeline = TextToImagePipeline.Open(DevPackage.Value, new RuntimeOptions { Threads = 1 });
        var a = pipeline.EncodePrompt("a red cube");
        var empty = pipeline.EncodePrompt("");
        Assert.That((a.Tokens, empty.Tokens), Is.EqualTo((24, 24)), "T5 padded to max_sequence_length, every row attended");
        Assert.That(a.Pooled, Has.Length.EqualTo(16), "CLIP-L's pooler_output");
        Assert.That(a.Pooled, Is.Not.EqualTo(empty.Pooled));
    }

    [Test]
    public void GuidanceForAModelWithoutGuidanceEmbeddingIsRefused()
    {
        using var pipeline = TextToImagePipeline.Open(SchnellPackage.Value, new RuntimeOptions { Threads = 1 });
        var e = Assert.Throws<ArgumentException>(() => pipeline.Generate(new GenerationRequest { Prompt = "a cube", Steps = 2, Guidance = 3.5 }));
        Assert.That(e!.Message, Does.StartWith("guidance 3.5: this package's transformer takes no guidance scale"));
        Assert.That(pipeline.Generate(new GenerationRequest { Prompt = "a cube", Steps = 2 }).Guidance, Is.EqualTo(0), "schnell runs without it");
    }

    [TestCase(0.5)]
    [TestCase(double.NaN)]
    public void ATrueCfgBelowOneOrNotFiniteIsRefused(double scale)
    {
        using var pipeline = TextToImagePipeline.Open(DevPackage.Value, new RuntimeOptions { Threads = 1 });
        var e = Assert.Throws<ArgumentException>(() => pipeline.Generate(new GenerationRequest { Prompt = "a cube", Steps = 2, TrueCfg = scale }));
        Assert.That(e!.Message, Does.StartWith("true CFG scale must be a finite number ≥ 1"));
    }

    [Test]
    public void ASizeThatDoesNotPackTwoByTwoIsRefusedNamingTheUnit()
    {
        using var pipeline = TextToImagePipeline.Open(DevPackage.Value, new RuntimeOptions { Threads = 1 });
        var e = Assert.Throws<ArgumentException>(() => pipeline.Generate(new GenerationRequest { Prompt = "a cube", Steps = 2, Width = 120, Height = 128 }));
        Assert.That(e!.Message, Does.Contain("both must be multiples of 16 (pixels per latent pixel 8 × patch size 2)"));
    }
}
