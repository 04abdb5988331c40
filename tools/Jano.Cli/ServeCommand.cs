using System.CommandLine;
using Jano.Cli.CommandLine;
using Jano.Serve;

namespace Jano.Cli;

/// <summary>
/// `jano serve`: the OpenAI-compatible image service (Jano.Serve) until Ctrl+C or SIGTERM. Every option
/// has a JANO_* environment variable; an option on the command line wins over its variable.
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var models = new Option<string[]>("--model")
        {
            Description = $"A model package folder to serve, under its manifest name; repeat for more models (the first is the default; none: the shipped {DefaultModel.RelativePath}) [env {ServeOptions.ModelsVariable}, folders separated by '{Path.PathSeparator}']",
            HelpName = "DIR",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        }.InGroup(OptionGroups.Input);
        var host = CliOptions.Text("--host", $"Address to listen on; 0.0.0.0 for every interface (default 127.0.0.1) [env {ServeOptions.HostVariable}]", "ADDRESS", OptionGroups.Server);
        var port = CliOptions.OptionalInt("--port", $"TCP port; 0 picks a free one (default 8080) [env {ServeOptions.PortVariable}]", 0, 65535, OptionGroups.Server);
        var concurrency = CliOptions.OptionalInt("--concurrency", $"Generations at once per model, one pipeline each (default 1) [env {ServeOptions.ConcurrencyVariable}]", 1, 64, OptionGroups.Server);
        var queue = CliOptions.OptionalInt("--queue", $"Requests per model that may wait; one more gets 429 with Retry-After (default 16) [env {ServeOptions.QueueVariable}]", 0, 100_000, OptionGroups.Server);
        var maxSteps = CliOptions.OptionalInt("--max-steps", $"The most denoising steps a request may ask for (default 1000) [env {ServeOptions.MaxStepsVariable}]", 1, 10_000, OptionGroups.Generation);
        var maxImages = CliOptions.OptionalInt("--max-images", $"The most images (n) one request may ask for (default 10) [env {ServeOptions.MaxImagesVariable}]", 1, 100, OptionGroups.Generation);
        var threads = CliOptions.OptionalInt("--threads", $"ONNX Runtime threads per pipeline; 0: the cores shared among the pipelines (default 0) [env {ServeOptions.ThreadsVariable}]", 0, 1024, OptionGroups.Runtime);
        var provider = CliOptions.Text("--provider", $"Execution provider: cpu, cuda or auto (default cpu) [env {ServeOptions.ProviderVariable}]", "cpu|cuda|auto", OptionGroups.Runtime);
        var logFormat = CliOptions.Text("--log-format", $"Log lines as text or json (default text) [env {ServeOptions.LogFormatVariable}]", "text|json", OptionGroups.Output);

        var command = new Command("serve", "Serve models over HTTP: OpenAI's POST /v1/images/generations, GET /v1/models, /healthz, /readyz, /metrics")
        {
            models, host, port, concurrency, queue, maxSteps, maxImages, threads, provider, logFormat,
        };
        CliAction.Set(command, (parse, stdout, stderr) => Run(new Settings
        {
            Models = parse.GetValue(models),
            Host = parse.GetValue(host),
            Port = parse.GetValue(port),
            Concurrency = parse.GetValue(concurrency),
            Queue = parse.GetValue(queue),
            MaxSteps = parse.GetValue(maxSteps),
            MaxImages = parse.GetValue(maxImages),
            Threads = parse.GetValue(threads),
            Provider = parse.GetValue(provider),
            LogFormat = parse.GetValue(logFormat),
        }, stdout, stderr));
        return command;
    }

    /// <summary>What the command line said; null: not given (the environment variable or the default decides).</summary>
    public sealed record Settings
    {
        public string[]? Models { get; init; }
        public string? Host { get; init; }
        public int? Port { get; init; }
        public int? Concurrency { get; init; }
        public int? Queue { get; init; }
        public int? MaxSteps { get; init; }
        public int? MaxImages { get; init; }
        public int? Threads { get; init; }
        public string? Provider { get; init; }
        public string? LogFormat { get; init; }
    }

    /// <summary>The options: defaults, then JANO_* variables, then the command line.</summary>
    public static ServeOptions Resolve(Settings s, Func<string, string?> environment)
    {
        var o = ServeOptions.FromEnvironment(environment);
        var json = s.LogFormat switch
        {
            null => o.JsonLogs,
            "json" => true,
            "text" => false,
            _ => throw new UsageException($"--log-format '{s.LogFormat}': allowed text, json"),
        };
        return o with
        {
            Models = s.Models is { Length: > 0 } m ? m : o.Models,
            Host = s.Host ?? o.Host,
            Port = s.Port ?? o.Port,
            Concurrency = s.Concurrency ?? o.Concurrency,
            QueueLength = s.Queue ?? o.QueueLength,
            MaxSteps = s.MaxSteps ?? o.MaxSteps,
            MaxImages = s.MaxImages ?? o.MaxImages,
            Threads = s.Threads ?? o.Threads,
            Provider = s.Provider ?? o.Provider,
            JsonLogs = json,
        };
    }

    public static int Run(Settings settings, TextWriter stdout, TextWriter stderr)
    {
        var options = Resolve(settings, Environment.GetEnvironmentVariable);
        // Ctrl+C and SIGTERM reach the server through its host, which stops it and lets this return.
        JanoServer.RunAsync(options).GetAwaiter().GetResult();
        return 0;
    }
}
