using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Prometheus;

namespace Jano.Serve;

/// <summary>
/// `jano serve`: an OpenAI-compatible image service over model packages, on ASP.NET Core's minimal APIs.
/// POST /v1/images/generations, GET /v1/models, /healthz (the process answers), /readyz (every model's
/// pipelines are open), /metrics (Prometheus text, jano_*). The CLI command is a thin wrapper over
/// <see cref="RunAsync"/>; tests and hosts use <see cref="Build"/> and <see cref="StartAsync"/>.
/// </summary>
public sealed class JanoServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ModelRegistry _registry;
    private readonly CancellationTokenSource _stopLoading = new();
    private Task? _loading;

    private JanoServer(WebApplication app, ModelRegistry registry, ServeOptions options)
    {
        _app = app;
        _registry = registry;
        Options = options;
    }

    public ServeOptions Options { get; }

    /// <summary>
    /// Checks the options and opens every model package (manifest and file checks), so a bad option or
    /// folder fails here, in one line naming it; the pipelines open after <see cref="StartAsync"/>.
    /// </summary>
    /// <param name="logging">Changes to logging after the server's own set-up (tests silence it).</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public static JanoServer Build(ServeOptions options, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var address = ListenAddress(options.Host);
        var metrics = new ServeMetrics();
        var registry = new ModelRegistry(options, metrics);
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
            builder.WebHost.UseKestrel(k => k.Listen(address, options.Port));
            builder.Logging.ClearProviders();
            if (options.JsonLogs) builder.Logging.AddJsonConsole(o => o.IncludeScopes = false);
            else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            logging?.Invoke(builder.Logging);
            builder.Services.AddSingleton(registry);
            builder.Services.AddSingleton<ImagesEndpoint>();
            var app = builder.Build();
            app.MapPost("/v1/images/generations", (HttpContext context, ImagesEndpoint endpoint) => endpoint.Handle(context));
            app.MapGet("/v1/models", () => InfoEndpoints.Models(registry));
            app.MapGet("/v1/models/{id}", (string id) => InfoEndpoints.Model(registry, id));
            app.MapGet("/healthz", InfoEndpoints.Health);
            app.MapGet("/readyz", () => InfoEndpoints.Ready(registry));
            app.MapMetrics("/metrics", metrics.Registry);
            return new JanoServer(app, registry, options);
        }
        catch
        {
            registry.Dispose();
            throw;
        }
    }

    private static IPAddress ListenAddress(string host) => host switch
    {
        "*" or "0.0.0.0" => IPAddress.Any,
        "::" => IPAddress.IPv6Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.TryParse(host, out var ip) ? ip : throw new ArgumentException($"--host '{host}': give an IP address (127.0.0.1, 0.0.0.0 for every interface, ::) or localhost"),
    };

    /// <summary>Starts listening (health answers at once), then opens the pipelines in the background; <see cref="Ready"/> completes when they are open.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var log = _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<JanoServer>();
        log.LogInformation("Listening on {Address}; loading {Models} ({Concurrency} pipeline(s) each, {Threads} thread(s) per pipeline, queue {Queue})",
            BaseAddress, string.Join(", ", _registry.Models.Select(m => $"{m.Name} ({m.Folder})")), Options.Concurrency, Options.ThreadsPerPipeline, Options.QueueLength);
        _loading = Task.Factory.StartNew(() =>
        {
            _registry.Load(_stopLoading.Token);
            log.LogInformation("Ready: {Models}", string.Join(", ", _registry.Models.Select(m => m.Name)));
        }, _stopLoading.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Completes when every model's pipelines are open; faults with the reason when one cannot open.</summary>
    public Task Ready => _loading ?? throw new InvalidOperationException("the server has not been started");

    /// <summary>Where the server listens (with the port chosen when <see cref="ServeOptions.Port"/> is 0), once started.</summary>
    public Uri BaseAddress
    {
        get
        {
            var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("the server has not been started");
            // Kestrel reports a wildcard bind as http://0.0.0.0:port or http://[::]:port; clients reach it on loopback.
            return new Uri(first.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        }
    }

    /// <summary>Stops accepting requests, cancels the generations still running (their clients get 503) and waits for them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        _stopLoading.Cancel();
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_loading is not null) await _loading.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds, starts and serves until <paramref name="cancellationToken"/> fires or the process is told
    /// to stop (Ctrl+C, SIGTERM). A model that cannot be opened stops the server and is rethrown.
    /// </summary>
    public static async Task RunAsync(ServeOptions options, CancellationToken cancellationToken = default, Action<ILoggingBuilder>? logging = null)
    {
        await using var server = Build(options, logging);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        var shutdown = server._app.WaitForShutdownAsync(cancellationToken);
        var first = await Task.WhenAny(server.Ready, shutdown).ConfigureAwait(false);
        if (first == server.Ready && server.Ready.IsFaulted)
        {
            await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await server.Ready.ConfigureAwait(false); // rethrows the reason
        }
        await shutdown.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _stopLoading.Cancel();
        await _app.DisposeAsync().ConfigureAwait(false);
        if (_loading is not null) await _loading.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        _registry.Dispose();
        _stopLoading.Dispose();
    }
}
