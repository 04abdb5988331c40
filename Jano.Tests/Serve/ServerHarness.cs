using System.Globalization;
using System.Text.Json;
using Jano.Serve;
using Microsoft.Extensions.Logging;

namespace Jano.Tests.Serve;

/// <summary>A jano serve on a free loopback port for one fixture, its logs silenced, started and ready.</summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    private readonly JanoServer _server;

    private ServerHarness(JanoServer server, HttpClient client)
    {
        _server = server;
        Client = client;
    }

    public static async Task<ServerHarness> Start(ServeOptions options)
    {
        var server = JanoServer.Build(options with { Host = "127.0.0.1", Port = 0 }, logging => logging.ClearProviders());
        await server.StartAsync();
        await server.Ready;
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        return new ServerHarness(server, client);
    }

    public Uri BaseAddress => _server.BaseAddress;
    public HttpClient Client { get; }

    public Task<HttpResponseMessage> Generate(string json, CancellationToken cancel = default) =>
        Client.PostAsync("/v1/images/generations", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), cancel);

    /// <summary>The /metrics text as series → value ("name{labels}" exactly as exposed).</summary>
    public async Task<IReadOnlyDictionary<string, double>> Metrics()
    {
        var text = await Client.GetStringAsync("/metrics");
        var values = new Dictionary<string, double>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var space = line.LastIndexOf(' ');
            values[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return values;
    }

    public async Task<double> Metric(string series) => (await Metrics()).GetValueOrDefault(series);

    /// <summary>Polls until the condition holds; fails (not a timing assertion: a bound on waiting for a state) after two minutes.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"never happened: {what}");
            await Task.Delay(50);
        }
    }

    public static async Task<JsonElement> Error(HttpResponseMessage response)
    {
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("error").Clone();
    }

    /// <summary>Stops the server (what SIGTERM does), leaving the client usable for answers still coming.</summary>
    public Task StopAsync() => _stopped ??= _server.StopAsync();

    private Task? _stopped;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        await _server.DisposeAsync();
    }
}
