namespace Jano.LoadTest;

/// <summary>How one request ended.</summary>
public enum OutcomeKind
{
    /// <summary>200 with every image asked for, each a PNG.</summary>
    Accepted,

    /// <summary>429: the server's queue was full.</summary>
    Rejected,

    /// <summary>Another 4xx: the request itself was wrong (a bad body given to the tool).</summary>
    ClientError,

    /// <summary>A 5xx.</summary>
    ServerError,

    /// <summary>No usable answer: a 200 without every image, a broken connection or a timeout.</summary>
    Lost,
}

/// <summary>One request's outcome and how long it took from sending to the last byte.</summary>
public readonly record struct RequestOutcome(OutcomeKind Kind, double LatencyMs, int Images, string? Detail = null);
