using Jano.Runtime;
using Jano.Runtime.Pipeline;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>
/// A package generates at other sizes than its own: the runtime makes diffusers' sine-cosine position
/// table for the requested grid, so the image must equal that of a package exported at that size
/// (same graphs, the exporter's table): bit for bit.
/// </summary>
[TestFixture]
public sealed class RequestedSizeTests
{
    [Test]
    public void AnotherSizeGivesTheImageOfAPackageExportedAtThatSize()
    {
        using var square = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 21);
        square.Export();
        using var wide = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 21);
        wide.Export(size: (8, 12));
        var options = new RuntimeOptions { Threads = 1 };
        using var fromSquare = TextToImagePipeline.Open(square.Package, options);
        using var fromWide = TextToImagePipeline.Open(wide.Package, options);
        var request = new GenerationRequest { Prompt = "a shirt", Seed = 4, Steps = 4 };

        var asked = fromSquare.Generate(request with { Width = 12, Height = 8 });
        var exported = fromWide.Generate(request);
        Assert.That((asked.Height, asked.Width), Is.EqualTo((8, 12)));
        Assert.That(asked.Image, Is.EqualTo(exported.Image));
        // Back to the package's own size: a new engine again, the same image as a fresh pipeline's.
        using var fresh = TextToImagePipeline.Open(square.Package, options);
        Assert.That(fromSquare.Generate(request).Image, Is.EqualTo(fresh.Generate(request).Image));
    }

    [Test]
    public void ASizeThatIsNotAWholeNumberOfPatchesIsRefusedInOneLine()
    {
        using var model = new TinyPixArt(layers: 1, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384);
        model.Export();
        using var pipeline = TextToImagePipeline.Open(model.Package, new RuntimeOptions { Threads = 1 });
        var e = Assert.Throws<ArgumentException>(() => pipeline.Generate(new GenerationRequest { Prompt = "a bag", Steps = 2, Width = 9, Height = 8 }))!;
        Assert.That(e.Message, Does.Contain("9x8").And.Contain("multiples of 2"));
    }
}
