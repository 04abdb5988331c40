using Jano.LoadTest;
using Jano.Serve;
using Jano.Tests.Export;

namespace Jano.Tests.Serve;

/// <summary>
/// jano-loadtest's accounting: nearest-rank percentiles against hand-computed ranks, and a short run against
/// a tiny model where every request is accounted for (nothing counted twice or dropped). No timing is asserted.
/// </summary>
[TestFixture]
public sealed class LoadTestToolTests
{
    private static readonly LoadSettings Settings = new() { Server = new Uri("http://127.0.0.1:1"), Body = "{}" };

    [Test]
    public void PercentilesAreNearestRanksOfTheAcceptedLatencies()
    {
        // Accepted latencies 10, 20, …, 100 (given shuffled) plus a 429 and a lost request, which must not count.
        var accepted = new[] { 70, 10, 100, 40, 20, 90, 30, 60, 50, 80 }.Select(ms => new RequestOutcome(OutcomeKind.Accepted, ms, 1));
        var report = new LoadReport(Settings, [.. accepted, new(OutcomeKind.Rejected, 1, 0), new(OutcomeKind.Lost, 5000, 0)], TimeSpan.FromSeconds(5));
        Assert.That(report.Percentile(50), Is.EqualTo(50), "rank ceil(0.5·10) = 5");
        Assert.That(report.Percentile(95), Is.EqualTo(100), "rank ceil(9.5) = 10");
        Assert.That(report.Percentile(91), Is.EqualTo(100));
        Assert.That(report.Percentile(90), Is.EqualTo(90));
        Assert.That(report.Percentile(1), Is.EqualTo(10));
        Assert.That((report.Sent, report.Accepted, report.Rejected, report.Lost, report.Images), Is.EqualTo((12, 10, 1, 1, 10)));
        Assert.That(report.ImagesPerSecond, Is.EqualTo(2.0));
        Assert.That(new LoadReport(Settings, [], TimeSpan.FromSeconds(1)).Percentile(50), Is.NaN);
    }

    [Test]
    public async Task AShortRunAccountsForEveryRequest()
    {
        using var model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 13);
        model.Export();
        await using var server = await ServerHarness.Start(new ServeOptions { Models = [model.Package], Threads = 1, QueueLength = 1 });
        var before = await server.Metrics();
        var settings = new LoadSettings
        {
            Server = server.BaseAddress, Clients = 4, Duration = TimeSpan.FromSeconds(2),
            Body = """{"prompt": "a bag", "n": 2, "steps": 2}""", ImagesPerRequest = 2, MaxRetryAfter = TimeSpan.FromMilliseconds(100),
        };
        var report = await LoadRunner.Run(settings);
        Assert.That(report.Accepted, Is.GreaterThan(0));
        Assert.That((report.Lost, report.ServerErrors, report.ClientErrors), Is.EqualTo((0, 0, 0)), report.Describe());
        Assert.That(report.Accepted + report.Rejected, Is.EqualTo(report.Sent));
        // The server counted the same requests: what the tool saw accepted and refused is what was answered.
        var after = await server.Metrics();
        var name = Jano.Core.Packages.ModelPackage.Open(model.Package).Manifest.Name;
        double Delta(string series) => after.GetValueOrDefault(series) - before.GetValueOrDefault(series);
        Assert.That(Delta($"jano_requests_total{{model=\"{name}\",status=\"200\"}}"), Is.EqualTo(report.Accepted));
        Assert.That(Delta($"jano_requests_total{{model=\"{name}\",status=\"429\"}}"), Is.EqualTo(report.Rejected));
        Assert.That(Delta($"jano_images_total{{model=\"{name}\"}}"), Is.EqualTo(report.Images));
        Assert.That(report.Images, Is.EqualTo(2 * report.Accepted));
    }
}
