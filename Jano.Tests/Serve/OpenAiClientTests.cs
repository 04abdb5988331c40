using System.ClientModel;
using Jano.Cli;
using Jano.Runtime.Pipeline;
using Jano.Serve;
using OpenAI;
using OpenAI.Images;
using SixLabors.ImageSharp.PixelFormats;

namespace Jano.Tests.Serve;

/// <summary>
/// The official OpenAI .NET SDK's ImageClient against jano serve on the default model: its bytes decode
/// as PNGs of the size asked, and their pixels are the ones the library generates for the same seed.
/// </summary>
[TestFixture]
public sealed class OpenAiClientTests
{
    private ServerHarness _server = null!;
    private TextToImagePipeline _oracle = null!;
    private ImageClient _images = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ServerHarness.Start(new ServeOptions());
        _oracle = TextToImagePipeline.Open(DefaultModel.Locate());
        var endpoint = new Uri(_server.BaseAddress, "/v1");
        _images = new ImageClient(_oracle.Package.Manifest.Name, new ApiKeyCredential("not-checked"), new OpenAIClientOptions { Endpoint = endpoint });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _oracle.Dispose();
        await _server.DisposeAsync();
    }

    private static byte[] Pixels(BinaryData png, out int width, out int height)
    {
        using var image = SixLabors.ImageSharp.Image.Load<L8>(png.ToArray());
        (width, height) = (image.Width, image.Height);
        var pixels = new byte[width * height];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    private byte[] Expected(string prompt, long seed) =>
        _oracle.Generate(AccelerationChoice.Apply(new GenerationRequest { Prompt = prompt, Seed = seed }, _oracle.Package.Manifest, null, null)).ToPixels();

    [Test]
    public async Task ImageClientGetsAPngOfTheSizeAsked()
    {
        var options = new ImageGenerationOptions { Size = new GeneratedImageSize(32, 32), ResponseFormat = GeneratedImageFormat.Bytes };
        GeneratedImage image = await _images.GenerateImageAsync("a sneaker", options);
        Assert.That(image.ImageBytes.ToArray()[..8], Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "PNG signature");
        var pixels = Pixels(image.ImageBytes, out var w, out var h);
        Assert.That((w, h), Is.EqualTo((32, 32)));
        Assert.That(pixels, Is.EqualTo(Expected("a sneaker", 0)), "seed 0 and the package's default preset, as the library runs them");
    }

    [Test]
    public async Task SeveralImagesComeBackWithConsecutiveSeeds()
    {
        var options = new ImageGenerationOptions { ResponseFormat = GeneratedImageFormat.Bytes };
        GeneratedImageCollection images = await _images.GenerateImagesAsync("a trouser", 2, options);
        Assert.That(images, Has.Count.EqualTo(2));
        for (var k = 0; k < 2; k++)
            Assert.That(Pixels(images[k].ImageBytes, out _, out _), Is.EqualTo(Expected("a trouser", k)), $"image {k}");
    }

    [Test]
    public async Task TheReadmesCurlBodyAndModelNameWorkAsWritten()
    {
        var readme = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "README.md"));
        var section = readme[readme.IndexOf("## Serve images over HTTP", StringComparison.Ordinal)..];
        var body = System.Text.RegularExpressions.Regex.Match(section, @"-d '([^']+)'").Groups[1].Value;
        using var response = await _server.Generate(body);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var png = Convert.FromBase64String(json.RootElement.GetProperty("data")[0].GetProperty("b64_json").GetString()!);
        Pixels(BinaryData.FromBytes(png), out var w, out var h);
        Assert.That((w, h), Is.EqualTo((32, 32)));
        Assert.That(section, Does.Contain($"new ImageClient(\"{_oracle.Package.Manifest.Name}\""), "the snippet names the default model's id");
    }

    [Test]
    public void AnErrorReachesTheClientAsOpenAisDoes()
    {
        var options = new ImageGenerationOptions { Size = new GeneratedImageSize(33, 32), ResponseFormat = GeneratedImageFormat.Bytes };
        var e = Assert.ThrowsAsync<ClientResultException>(() => _images.GenerateImageAsync("a sneaker", options));
        Assert.That(e!.Status, Is.EqualTo(400));
        Assert.That(e.Message, Does.Contain("size 33x32"));
    }
}
