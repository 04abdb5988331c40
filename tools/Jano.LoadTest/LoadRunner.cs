using System.Diagnostics;

namespace Jano.LoadTest;

/// <summary>Runs the clients side by side for the test's duration and gathers their outcomes.</summary>
public static class LoadRunner
{
    public static async Task<LoadReport> Run(LoadSettings settings, CancellationToken cancel = default)
    {
        // One connection per client: as many sockets as clients, no pool limit in between.
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Clients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        await WaitUntilReady(http, settings, cancel);
        var start = Stopwatch.GetTimestamp();
        var until = DateTime.UtcNow + settings.Duration;
        var clients = Enumerable.Range(0, settings.Clients).Select(_ => new LoadClient(http, settings).Run(until, cancel)).ToList();
        var outcomes = (await Task.WhenAll(clients)).SelectMany(o => o).ToList();
        return new LoadReport(settings, outcomes, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>
    /// Polls /readyz until the server's models are open, so the clock starts on a serving server rather than
    /// counting the 503s of one still loading its pipelines.
    /// </summary>
    private static async Task WaitUntilReady(HttpClient http, LoadSettings settings, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + settings.ReadyTimeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(settings.Server, "/readyz"), cancel);
                if (response.IsSuccessStatusCode) return;
                last = $"{(int)response.StatusCode}: {Text.OneLine(await response.Content.ReadAsStringAsync(cancel), 200)}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(250, cancel);
        }
        throw new ArgumentException($"{settings.Server} did not become ready within {settings.ReadyTimeout.TotalSeconds:F0} s (last /readyz: {last})");
    }
}
