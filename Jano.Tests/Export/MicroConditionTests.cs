using Jano.Core.Stages;
using Jano.Runtime;
using Jano.Runtime.Pipeline;

namespace Jano.Tests.Export;

/// <summary>
/// PixArt with micro-conditions (use_additional_conditions: resolution and aspect-ratio embeddings
/// added to the timestep embedding): exported with the extra cond inputs, run by the pipeline with the
/// package's image size. The values against diffusers are checked by the golden PixArt fixture.
/// </summary>
[TestFixture]
public sealed class MicroConditionTests
{
    [Test]
    public void ThePackageDeclaresTheSizeInputsAndThePipelineFeedsThem()
    {
        using var model = new TinyPixArt(layers: 2, heads: 3, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, microConditions: true);
        var manifest = model.Export(size: (8, 12));
        Assert.That(manifest.Stages.Cond.Inputs, Is.EqualTo(new[] { StageRoles.Names.Timestep, StageRoles.Names.Resolution, StageRoles.Names.AspectRatio }));
        Assert.That(manifest.Transformer.MicroConditions, Is.EqualTo(new Jano.Core.Packages.MicroConditions(1)), "no VAE beside the checkpoint: image size = latent size");
        using var pipeline = TextToImagePipeline.Open(model.Package, new RuntimeOptions { Threads = 1 });
        var image = pipeline.Generate(new GenerationRequest { Prompt = "a bag", Seed = 1, Steps = 3 }).Image;
        Assert.That(image, Has.Length.EqualTo(8 * 12));
        Assert.That(image.All(float.IsFinite));
    }

    [Test]
    public void AWidthNotDivisibleByThreeIsRefusedNamingTheField()
    {
        using var model = new TinyPixArt(layers: 1, heads: 2, headDim: 8, sample: 8, microConditions: false);
        model.ConfigJson["use_additional_conditions"] = true;
        var e = Assert.Throws<Jano.Export.ExportException>(() => Jano.Export.PixArt.PixArtConfig.Parse(model.ConfigJson, "config.json"))!;
        Assert.That(e.Message, Does.Contain("use_additional_conditions").And.Contain("divisible by 3"));
    }
}
