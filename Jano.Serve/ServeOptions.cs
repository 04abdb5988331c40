using System.Globalization;

namespace Jano.Serve;

/// <summary>
/// How `jano serve` runs: the models it loads, where it listens, how many generations run at once and
/// how many wait. Every field has an environment variable (<see cref="FromEnvironment(Func{string, string?}, ServeOptions?)"/>); command-line
/// options override them. <see cref="Validate"/> names the option and the allowed range in one line.
/// </summary>
public sealed record ServeOptions
{
    /// <summary>Model package folders; empty: the shipped default model. Each model is served under its manifest name.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>The address to listen on: 127.0.0.1 by default; 0.0.0.0 (or *) for every interface, as in a container.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests: see <see cref="JanoServer.BaseAddress"/>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Generations running at once per model, each on a pipeline of its own.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>Requests per model that may wait for a pipeline; one more is answered 429 with Retry-After.</summary>
    public int QueueLength { get; init; } = 16;

    /// <summary>ONNX Runtime threads per pipeline; 0: the machine's cores shared among the concurrent pipelines.</summary>
    public int Threads { get; init; }

    /// <summary>Execution provider: cpu, cuda or auto (<see cref="Jano.Runtime.RuntimeOptions.Provider"/>).</summary>
    public string Provider { get; init; } = "cpu";

    /// <summary>The most denoising steps a request may ask for (a guard against one request holding a pipeline for hours).</summary>
    public int MaxSteps { get; init; } = 1000;

    /// <summary>The most images one request may ask for (OpenAI's n); OpenAI's own limit is 10.</summary>
    public int MaxImages { get; init; } = 10;

    /// <summary>Log lines as JSON objects (one per line) instead of plain text.</summary>
    public bool JsonLogs { get; init; }

    /// <summary>The environment variable of each option.</summary>
    public const string ModelsVariable = "JANO_MODELS", HostVariable = "JANO_HOST", PortVariable = "JANO_PORT",
        ConcurrencyVariable = "JANO_CONCURRENCY", QueueVariable = "JANO_QUEUE", ThreadsVariable = "JANO_THREADS",
        ProviderVariable = "JANO_PROVIDER", MaxStepsVariable = "JANO_MAX_STEPS", MaxImagesVariable = "JANO_MAX_IMAGES",
        LogFormatVariable = "JANO_LOG_FORMAT";

    /// <summary>
    /// Options from the environment (JANO_MODELS: folders separated by the platform's path-list separator,
    /// ':' on Linux, as in PATH; JANO_LOG_FORMAT: text or json), over <paramref name="defaults"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A variable that is set holds no valid value; the message names it.</exception>
    public static ServeOptions FromEnvironment(Func<string, string?> read, ServeOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        var o = defaults ?? new ServeOptions();
        if (read(ModelsVariable) is { Length: > 0 } models)
            o = o with { Models = models.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
        if (read(HostVariable) is { Length: > 0 } host) o = o with { Host = host };
        o = o with
        {
            Port = Int(read, PortVariable) ?? o.Port,
            Concurrency = Int(read, ConcurrencyVariable) ?? o.Concurrency,
            QueueLength = Int(read, QueueVariable) ?? o.QueueLength,
            Threads = Int(read, ThreadsVariable) ?? o.Threads,
            MaxSteps = Int(read, MaxStepsVariable) ?? o.MaxSteps,
            MaxImages = Int(read, MaxImagesVariable) ?? o.MaxImages,
        };
        if (read(ProviderVariable) is { Length: > 0 } provider) o = o with { Provider = provider };
        if (read(LogFormatVariable) is { Length: > 0 } format)
        {
            o = format.ToLowerInvariant() switch
            {
                "json" => o with { JsonLogs = true },
                "text" => o with { JsonLogs = false },
                _ => throw new ArgumentException($"{LogFormatVariable}='{format}': allowed values are text and json"),
            };
        }
        return o;
    }

    /// <summary>Options from this process's environment.</summary>
    public static ServeOptions FromEnvironment(ServeOptions? defaults = null) => FromEnvironment(Environment.GetEnvironmentVariable, defaults);

    private static int? Int(Func<string, string?> read, string name) =>
        read(name) is not { Length: > 0 } text ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
        : throw new ArgumentException($"{name}='{text}' is not a whole number");

    /// <summary>Checks every field; the message names the option (as `jano serve` spells it) and what is allowed.</summary>
    /// <exception cref="ArgumentException">A field is out of range, or a model folder does not exist.</exception>
    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException($"--port {Port}: allowed 0 to 65535 (0: any free port)");
        if (Concurrency is < 1 or > 64) throw new ArgumentException($"--concurrency {Concurrency}: allowed 1 to 64 generations at once per model");
        if (QueueLength is < 0 or > 100_000) throw new ArgumentException($"--queue {QueueLength}: allowed 0 to 100000 waiting requests per model");
        if (Threads is < 0 or > 1024) throw new ArgumentException($"--threads {Threads}: allowed 0 (share the cores) to 1024");
        if (MaxSteps is < 1 or > 10_000) throw new ArgumentException($"--max-steps {MaxSteps}: allowed 1 to 10000");
        if (MaxImages is < 1 or > 100) throw new ArgumentException($"--max-images {MaxImages}: allowed 1 to 100");
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("--host is empty: give an address such as 127.0.0.1 or 0.0.0.0");
        if (Provider is not ("cpu" or "cuda" or "auto")) throw new ArgumentException($"--provider '{Provider}': allowed cpu, cuda, auto");
        foreach (var model in Models)
            if (!Directory.Exists(model)) throw new ArgumentException($"--model '{model}': no such folder");
    }

    /// <summary>ONNX Runtime threads of each pipeline: as given, or the cores divided among the concurrent pipelines.</summary>
    public int ThreadsPerPipeline => Threads > 0 ? Threads : Math.Max(1, Environment.ProcessorCount / Concurrency);
}
