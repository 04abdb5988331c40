namespace Jano.LoadTest;

/// <summary>One load test: where, how many clients, for how long, and the request each client sends.</summary>
public sealed record LoadSettings
{
    public required Uri Server { get; init; }
    public int Clients { get; init; } = 8;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The request body every client posts to /v1/images/generations (OpenAI's shape, Jano's extensions allowed).</summary>
    public required string Body { get; init; }

    /// <summary>Images each request asks for (the body's n), to check every image came back.</summary>
    public int ImagesPerRequest { get; init; } = 1;

    /// <summary>The longest a client honours a Retry-After before sending again.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for /readyz before starting the clock.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Per-request limit; a request still unanswered then counts as lost.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
