using System.Drawing;
using Jano.Runtime;
using Jano.Runtime.AI;
using Jano.Runtime.Pipeline;
using Jano.Tests.Export;
using Microsoft.Extensions.AI;
using SixLabors.ImageSharp.PixelFormats;

#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI 11

namespace Jano.Tests.Runtime.AI;

/// <summary>
/// JanoImageGenerator used only through Microsoft.Extensions.AI's IImageGenerator, against a second
/// pipeline on the same package driven directly as the oracle.
/// </summary>
[TestFixture]
public sealed class JanoImageGeneratorTests
{
    private TinyPixArt _model = null!;
    private TextToImagePipeline _oracle = null!;
    private IImageGenerator _generator = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 23);
        _model.Export();
        var options = new RuntimeOptions { Threads = 1 };
        _oracle = TextToImagePipeline.Open(_model.Package, options);
        _generator = JanoImageGenerator.Open(_model.Package, options);
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _generator.Dispose();
        _oracle.Dispose();
        _model.Dispose();
    }

    private static ImageGenerationOptions Options(int? count = null, params (string Key, object? Value)[] extra)
    {
        var o = new ImageGenerationOptions { Count = count, AdditionalProperties = [] };
        foreach (var (k, v) in extra) o.AdditionalProperties[k] = v;
        return o;
    }

    private static byte[] Pixels(DataContent content, out int width, out int height)
    {
        using var image = SixLabors.ImageSharp.Image.Load<L8>(content.Data.ToArray());
        (width, height) = (image.Width, image.Height);
        var pixels = new byte[width * height];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    [Test]
    public async Task CountImagesComeBackAsPngsOfConsecutiveSeeds()
    {
        var response = await _generator.GenerateAsync(new ImageGenerationRequest("a shirt"),
            Options(2, ("seed", 5), ("steps", 3), ("method", "dense")));
        Assert.That(response.Contents, Has.Count.EqualTo(2));
        for (var k = 0; k < 2; k++)
        {
            var content = (DataContent)response.Contents[k];
            Assert.That(content.MediaType, Is.EqualTo("image/png"));
            var expected = _oracle.Generate(new GenerationRequest { Prompt = "a shirt", Seed = 5 + k, Steps = 3 }).ToPixels();
            Assert.That(Pixels(content, out var w, out var h), Is.EqualTo(expected), $"seed {5 + k}");
            Assert.That((w, h), Is.EqualTo((8, 8)));
        }
        var raw = (IReadOnlyList<GenerationResult>)response.RawRepresentation!;
        Assert.That(raw.Select(r => r.Steps), Is.All.EqualTo(3));
    }

    [Test]
    public async Task ImageSizeAndExtensionFieldsReachThePipeline()
    {
        var options = Options(null, ("seed", "9"), ("steps", 2L), ("guidance", 2.5), ("negative_prompt", "blurry"), ("method", "dense"));
        options.ImageSize = new Size(12, 8);
        var response = await _generator.GenerateAsync(new ImageGenerationRequest("a coat"), options);
        var pixels = Pixels((DataContent)response.Contents.Single(), out var w, out var h);
        Assert.That((w, h), Is.EqualTo((12, 8)));
        var expected = _oracle.Generate(new GenerationRequest { Prompt = "a coat", NegativePrompt = "blurry", Seed = 9, Steps = 2, Guidance = 2.5, Width = 12, Height = 8 });
        Assert.That(pixels, Is.EqualTo(expected.ToPixels()));
    }

    [Test]
    public async Task ConcurrentCallsOnOneGeneratorWaitTheirTurn()
    {
        var calls = Enumerable.Range(0, 3).Select(i => _generator.GenerateAsync(new ImageGenerationRequest("a bag"), Options(1, ("seed", i), ("steps", 2)))).ToList();
        var responses = await Task.WhenAll(calls);
        for (var i = 0; i < 3; i++)
        {
            var expected = _oracle.Generate(AccelerationChoice.Apply(new GenerationRequest { Prompt = "a bag", Seed = i, Steps = 2 }, _oracle.Package.Manifest, null, null)).ToPixels();
            Assert.That(Pixels((DataContent)responses[i].Contents.Single(), out _, out _), Is.EqualTo(expected), $"call {i}");
        }
    }

    [TestCase("count", 0, "count must be between 1 and 16, got 0")]
    [TestCase("seed", "abc", "seed must be a whole number")]
    [TestCase("steps", 0, "steps must be a whole number in [1, 10000], got 0")]
    [TestCase("guidance", "-1", "guidance must be a finite number")]
    [TestCase("jano", "turbo", "jano preset 'turbo' is not in this package")]
    [TestCase("method", "warp", "unknown method 'warp'")]
    [TestCase("media", "image/jpeg", "media type 'image/jpeg' is not supported")]
    [TestCase("model", "sdxl", "model 'sdxl' is not served")]
    [TestCase("prompt", " ", "prompt is empty")]
    public void BadOptionsAreRefusedNamingTheField(string field, object value, string message)
    {
        var options = Options(null);
        var prompt = "a shoe";
        switch (field)
        {
            case "count": options.Count = (int)value; break;
            case "media": options.MediaType = (string)value; break;
            case "model": options.ModelId = (string)value; break;
            case "prompt": prompt = (string)value; break;
            default: options.AdditionalProperties![field] = value; break;
        }
        var e = Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(new ImageGenerationRequest(prompt), options));
        Assert.That(e!.Message, Does.Contain(message));
    }

    [Test]
    public void EditingIsNotSupported()
    {
        var request = new ImageGenerationRequest("a shoe", [new DataContent(new byte[] { 1 }, "image/png")]);
        Assert.ThrowsAsync<NotSupportedException>(() => _generator.GenerateAsync(request));
    }

    [Test]
    public void ACancelledCallThrows()
    {
        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(),
            () => _generator.GenerateAsync(new ImageGenerationRequest("a shoe"), Options(1, ("steps", 2)), new CancellationToken(true)));
    }

    [Test]
    public void MetadataNamesThePackage()
    {
        var metadata = _generator.GetService<ImageGeneratorMetadata>();
        Assert.That(metadata!.ProviderName, Is.EqualTo("jano"));
        Assert.That(metadata.DefaultModelId, Is.EqualTo(_oracle.Package.Manifest.Name));
        Assert.That(_generator.GetService<TextToImagePipeline>(), Is.Not.Null);
    }
}
