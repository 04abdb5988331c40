using System.Net;
using System.Text.Json;
using Jano.Serve;

namespace Jano.Tests.Serve;

/// <summary>
/// The bounded queue and disconnects on the default model, one pipeline and one waiting place: a long
/// generation holds the pipeline, a second request waits, a third is refused with 429 and Retry-After;
/// clients that go away cancel their generation (or their place) and the pipeline serves the next request.
/// The order of events is read from /metrics, never from timing.
/// </summary>
[TestFixture]
public sealed class QueueAndCancellationTests
{
    private ServerHarness _server = null!;
    private string _model = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ServerHarness.Start(new ServeOptions { Concurrency = 1, QueueLength = 1, MaxSteps = 10_000 });
        using var models = JsonDocument.Parse(await _server.Client.GetStringAsync("/v1/models"));
        _model = models.RootElement.GetProperty("data")[0].GetProperty("id").GetString()!;
    }

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    private string Series(string name, string? status = null) =>
        status is null ? $"{name}{{model=\"{_model}\"}}" : $"{name}{{model=\"{_model}\",status=\"{status}\"}}";

    [Test]
    public async Task AFullQueueAnswers429AndDisconnectsFreeThePipeline()
    {
        // 10000 dense steps: minutes of work, far longer than this test takes to reach its cancel.
        const string Long = """{"prompt": "a coat", "steps": 10000, "method": "dense"}""";
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        var running = _server.Generate(Long, first.Token);
        await ServerHarness.Eventually(async () => await _server.Metric(Series("jano_generations_in_progress")) == 1, "the first request generating");
        var waiting = _server.Generate(Long, second.Token);
        await ServerHarness.Eventually(async () => await _server.Metric(Series("jano_queue_depth")) == 1, "the second request waiting");

        using (var refused = await _server.Generate("""{"prompt": "a coat", "steps": 2}"""))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(refused.Headers.RetryAfter?.Delta?.TotalSeconds, Is.GreaterThanOrEqualTo(1));
            var error = await ServerHarness.Error(refused);
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("rate_limit_error"));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("rate_limit_exceeded"));
        }

        second.Cancel(); // the waiting client goes away: its place is given up
        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), async () => await waiting);
        await ServerHarness.Eventually(async () => await _server.Metric(Series("jano_queue_depth")) == 0, "the waiting place given up");
        first.Cancel(); // the generating client goes away: its generation stops
        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), async () => await running);
        await ServerHarness.Eventually(async () => await _server.Metric(Series("jano_generations_in_progress")) == 0, "the generation cancelled");

        var metrics = await _server.Metrics();
        Assert.That(metrics[Series("jano_requests_total", "499")], Is.EqualTo(2), "both disconnects counted");
        Assert.That(metrics[Series("jano_requests_total", "429")], Is.EqualTo(1));
        Assert.That(metrics[Series("jano_generations_cancelled_total")], Is.EqualTo(2));
        Assert.That(metrics.GetValueOrDefault(Series("jano_images_total")), Is.EqualTo(0), "the long generations returned no image");

        using var next = await _server.Generate("""{"prompt": "a coat", "steps": 3}""");
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the pipeline is free and usable after the cancel");
        Assert.That(await _server.Metric(Series("jano_images_total")), Is.EqualTo(1));
    }

    [Test]
    public async Task StoppingTheServerCancelsARunningGenerationWith503()
    {
        var server = await ServerHarness.Start(new ServeOptions { MaxSteps = 10_000 });
        try
        {
            var running = server.Generate("""{"prompt": "a coat", "steps": 10000, "method": "dense"}""");
            await ServerHarness.Eventually(async () => await server.Metric(Series("jano_generations_in_progress")) == 1, "the request generating");
            var stopping = server.StopAsync();
            using var response = await running;
            Assert.That((int)response.StatusCode, Is.EqualTo(503));
            var error = await ServerHarness.Error(response);
            Assert.That(error.GetProperty("message").GetString(), Does.Contain("shutting down"));
            await stopping;
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
