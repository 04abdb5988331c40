using System.Net;
using System.Text.Json;
using Jano.Serve;
using Jano.Tests.Export;

namespace Jano.Tests.Serve;

/// <summary>/metrics counts what happened (exact counts: requests, images, steps), /v1/models, /healthz, /readyz.</summary>
[TestFixture]
public sealed class MetricsAndInfoTests
{
    private TinyPixArt _model = null!;
    private ServerHarness _server = null!;
    private string _name = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 9);
        _model.Export();
        _server = await ServerHarness.Start(new ServeOptions { Models = [_model.Package], Threads = 1, Concurrency = 2 });
        _name = Jano.Core.Packages.ModelPackage.Open(_model.Package).Manifest.Name;
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _server.DisposeAsync();
        _model.Dispose();
    }

    [Test]
    public async Task MetricsCountRequestsImagesAndSteps()
    {
        var before = await _server.Metrics();
        double Before(string s) => before.GetValueOrDefault(s);
        var ok = $"jano_requests_total{{model=\"{_name}\",status=\"200\"}}";
        var bad = $"jano_requests_total{{model=\"{_name}\",status=\"400\"}}";
        var images = $"jano_images_total{{model=\"{_name}\"}}";
        var steps = $"jano_step_duration_seconds_count{{model=\"{_name}\"}}";
        var imageTimes = $"jano_image_duration_seconds_count{{model=\"{_name}\"}}";

        using (var response = await _server.Generate("""{"prompt": "a bag", "n": 2, "steps": 3, "seed": 4}"""))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var data = body.RootElement.GetProperty("data");
            Assert.That(data.GetArrayLength(), Is.EqualTo(2));
            var seeds = body.RootElement.GetProperty("jano").GetProperty("images").EnumerateArray().Select(i => i.GetProperty("seed").GetInt64());
            Assert.That(seeds, Is.EqualTo(new long[] { 4, 5 }));
        }
        using (var response = await _server.Generate("""{"prompt": "a bag", "n": 0}"""))
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        var text = await _server.Client.GetStringAsync("/metrics");
        Assert.That(text, Does.Contain("# TYPE jano_step_duration_seconds histogram"));
        var after = await _server.Metrics();
        Assert.That(after[ok] - Before(ok), Is.EqualTo(1));
        Assert.That(after[bad] - Before(bad), Is.EqualTo(1));
        Assert.That(after[images] - Before(images), Is.EqualTo(2));
        Assert.That(after[steps] - Before(steps), Is.EqualTo(6), "2 images × 3 steps");
        Assert.That(after[imageTimes] - Before(imageTimes), Is.EqualTo(2));
        Assert.That(after[$"jano_queue_depth{{model=\"{_name}\"}}"], Is.EqualTo(0));
        Assert.That(after["jano_models_loaded"], Is.EqualTo(1));
        Assert.That(after.Keys.Where(k => !k.StartsWith("jano_", StringComparison.Ordinal)), Is.Empty, "every series is jano_*");
    }

    [Test]
    public async Task ModelsListsThePackageInOpenAisShape()
    {
        using var doc = JsonDocument.Parse(await _server.Client.GetStringAsync("/v1/models"));
        Assert.That(doc.RootElement.GetProperty("object").GetString(), Is.EqualTo("list"));
        var model = doc.RootElement.GetProperty("data").EnumerateArray().Single();
        Assert.That(model.GetProperty("id").GetString(), Is.EqualTo(_name));
        Assert.That(model.GetProperty("object").GetString(), Is.EqualTo("model"));
        Assert.That(model.GetProperty("jano").GetProperty("size").GetString(), Is.EqualTo("8x8"));
        Assert.That(model.GetProperty("jano").GetProperty("concurrency").GetInt32(), Is.EqualTo(2));
        using var missing = await _server.Client.GetAsync("/v1/models/nope");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task HealthAndReadiness()
    {
        Assert.That(await _server.Client.GetStringAsync("/healthz"), Is.EqualTo("ok\n"));
        using var ready = await _server.Client.GetAsync("/readyz");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var doc = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.That(doc.RootElement.GetProperty("status").GetString(), Is.EqualTo("ready"));
    }
}
