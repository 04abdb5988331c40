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
        var start = Stopwatch.GetTimestamp();
        var until = DateTime.UtcNow + settings.Duration;
        var clients = Enumerable.Range(0, settings.Clients).Select(_ => new LoadClient(http, settings).Run(until, cancel)).ToList();
        var outcomes = (await Task.WhenAll(clients)).SelectMany(o => o).ToList();
        return new LoadReport(settings, outcomes, Stopwatch.GetElapsedTime(start));
    }
}
