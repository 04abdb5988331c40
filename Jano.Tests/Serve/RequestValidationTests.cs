using System.Net;
using System.Text.Json;
using Jano.Serve;
using Jano.Tests.Export;

namespace Jano.Tests.Serve;

/// <summary>Bad requests to POST /v1/images/generations: 400 with OpenAI's error object whose param names the field.</summary>
[TestFixture]
public sealed class RequestValidationTests
{
    private TinyPixArt _model = null!;
    private ServerHarness _server = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 5);
        _model.Export();
        _server = await ServerHarness.Start(new ServeOptions { Models = [_model.Package], Threads = 1, MaxSteps = 50, MaxImages = 4 });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _server.DisposeAsync();
        _model.Dispose();
    }

    [TestCase("""{"n": 1}""", "prompt", "prompt is required")]
    [TestCase("""{"prompt": "  "}""", "prompt", "prompt is empty")]
    [TestCase("""{"prompt": 5}""", "prompt", "prompt must be a string, got 5")]
    [TestCase("""{"prompt": "a bag", "model": "dall-e-3"}""", "model", "model 'dall-e-3' is not served here; models: ")]
    [TestCase("""{"prompt": "a bag", "n": 0}""", "n", "n must be a whole number from 1 to 4, got 0")]
    [TestCase("""{"prompt": "a bag", "n": 5}""", "n", "n must be a whole number from 1 to 4, got 5")]
    [TestCase("""{"prompt": "a bag", "n": "2"}""", "n", "got \"2\"")]
    [TestCase("""{"prompt": "a bag", "size": "big"}""", "size", "size 'big': give WIDTHxHEIGHT")]
    [TestCase("""{"prompt": "a bag", "size": "9x8"}""", "size", "size 9x8 (width x height, image pixels): both must be multiples of 2")]
    [TestCase("""{"prompt": "a bag", "response_format": "url"}""", "response_format", "use b64_json")]
    [TestCase("""{"prompt": "a bag", "output_format": "webp"}""", "output_format", "allowed png")]
    [TestCase("""{"prompt": "a bag", "seed": -1}""", "seed", "seed must be a whole number from 0")]
    [TestCase("""{"prompt": "a bag", "seed": 1.5}""", "seed", "got 1.5")]
    [TestCase("""{"prompt": "a bag", "steps": 51}""", "steps", "steps must be a whole number from 1 to 50, got 51")]
    [TestCase("""{"prompt": "a bag", "guidance": -2}""", "guidance", "guidance must be a number from 0 to 1000, got -2")]
    [TestCase("""{"prompt": "a bag", "jano": "turbo"}""", "jano", "jano preset 'turbo' is not in this package (presets: ")]
    [TestCase("""{"prompt": "a bag", "method": "warp"}""", "method", "unknown method 'warp'; methods: dense")]
    [TestCase("""{"prompt": "a bag", "method": "dense", "jano": "fast"}""", "jano", "cannot be combined with method dense")]
    [TestCase("""{"prompt": "a bag", "negative_prompt": ["x"]}""", "negative_prompt", "negative_prompt must be a string")]
    public async Task AFieldOutOfItsRangeIsNamed(string body, string field, string message)
    {
        using var response = await _server.Generate(body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var error = await ServerHarness.Error(response);
        Assert.That(error.GetProperty("param").GetString(), Is.EqualTo(field));
        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain(message));
    }

    [TestCase("", "the request body is empty")]
    [TestCase("{\"prompt\": ", "the request body is not valid JSON")]
    [TestCase("[1, 2]", "the request body must be a JSON object, got array")]
    public async Task ABodyThatIsNoRequestIsRefused(string body, string message)
    {
        using var response = await _server.Generate(body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var error = await ServerHarness.Error(response);
        Assert.That(error.GetProperty("param").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(error.GetProperty("message").GetString(), Does.StartWith(message));
    }

    [Test]
    public async Task FieldsOpenAiDefinesThatDoNotApplyAreAcceptedAndUnknownOnesIgnored()
    {
        using var response = await _server.Generate("""{"prompt": "a bag", "steps": 2, "quality": "hd", "style": "vivid", "user": "u1", "something_new": {"a": 1}}""");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }
}
