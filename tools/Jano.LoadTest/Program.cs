using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jano.LoadTest;

// jano-loadtest --url http://127.0.0.1:8080 --clients 8 --seconds 60 [--prompt TEXT] [--steps N] [--n N] [--method NAME]
var url = new Option<string>("--url") { Description = "The jano serve to load", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
var clients = new Option<int>("--clients") { Description = "Concurrent clients, each sending its next request when the last is answered [1–1024]", DefaultValueFactory = _ => 8 };
var seconds = new Option<int>("--seconds") { Description = "How long clients start new requests [1–86400]", DefaultValueFactory = _ => 60 };
var prompt = new Option<string>("--prompt") { Description = "The prompt of every request", DefaultValueFactory = _ => "a sneaker" };
var steps = new Option<int?>("--steps") { Description = "Denoising steps per image (default: the model's)" };
var images = new Option<int>("--n") { Description = "Images per request [1–10]", DefaultValueFactory = _ => 1 };
var method = new Option<string?>("--method") { Description = "Accelerator of every request (default: the model's Jano preset)" };
var model = new Option<string?>("--model") { Description = "Model id (default: the server's first)" };
var json = new Option<string?>("--json") { Description = "Also write the counts and percentiles to this JSON file" };
var root = new RootCommand("Load test of jano serve: N clients for T seconds; images/s, latency percentiles, accepted/429/5xx/lost")
{
    url, clients, seconds, prompt, steps, images, method, model, json,
};
root.SetAction(async (parse, cancel) =>
{
    int Check(int value, int min, int max, string name) =>
        value >= min && value <= max ? value : throw new ArgumentException($"{name} must be from {min} to {max}, got {value}");
    try
    {
        if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
            throw new ArgumentException($"--url '{parse.GetValue(url)}' is not an http(s) address");
        var n = Check(parse.GetValue(images), 1, 10, "--n");
        var body = new JsonObject { ["prompt"] = parse.GetValue(prompt), ["n"] = n, ["response_format"] = "b64_json" };
        if (parse.GetValue(steps) is { } s) body["steps"] = Check(s, 1, 10_000, "--steps");
        if (parse.GetValue(method) is { } m) body["method"] = m;
        if (parse.GetValue(model) is { } id) body["model"] = id;
        var settings = new LoadSettings
        {
            Server = server,
            Clients = Check(parse.GetValue(clients), 1, 1024, "--clients"),
            Duration = TimeSpan.FromSeconds(Check(parse.GetValue(seconds), 1, 86_400, "--seconds")),
            Body = body.ToJsonString(),
            ImagesPerRequest = n,
        };
        var report = await LoadRunner.Run(settings, cancel);
        Console.Write(report.Describe());
        if (parse.GetValue(json) is { } path)
        {
            var summary = new
            {
                server = server.ToString(), clients = settings.Clients, seconds = settings.Duration.TotalSeconds, elapsed_seconds = report.Elapsed.TotalSeconds,
                body = settings.Body, sent = report.Sent, accepted = report.Accepted, rejected_429 = report.Rejected, client_errors = report.ClientErrors,
                server_errors = report.ServerErrors, lost = report.Lost, images = report.Images, images_per_second = report.ImagesPerSecond,
                p50_ms = report.Percentile(50), p95_ms = report.Percentile(95), p99_ms = report.Percentile(99),
            };
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
            File.Move(temporary, path, overwrite: true);
        }
        // Anything lost or a server error fails the run, so a script can rely on the exit code.
        return report.Lost == 0 && report.ServerErrors == 0 && report.Accepted > 0 ? 0 : 1;
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"jano-loadtest: {e.Message}");
        return 2;
    }
});
return await root.Parse(args).InvokeAsync();
