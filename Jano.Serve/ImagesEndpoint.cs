using System.Diagnostics;
using System.Text.Json;
using Jano.Runtime.Pipeline;

namespace Jano.Serve;

/// <summary>
/// POST /v1/images/generations: validates the body (400 naming the field), takes a place in the model's
/// queue (429 with Retry-After when it is full), generates the images on a pipeline of the model and
/// answers OpenAI's response shape with b64_json PNGs. A client that disconnects cancels its request,
/// waiting or generating (counted with status 499); the pipeline is free for the next one within a step.
/// </summary>
internal sealed class ImagesEndpoint(ModelRegistry registry, ILogger<ImagesEndpoint> log, IHostApplicationLifetime lifetime)
{
    private const string NoModel = "-";
    private const int ClientClosed = 499;

    public async Task Handle(HttpContext context)
    {
        var metrics = registry.Metrics;
        var modelName = NoModel;
        try
        {
            if (!registry.Ready && registry.LoadError is null)
                throw new ApiError(503, "the models are still loading; retry shortly (GET /readyz says when they are ready)", type: ApiError.Unavailable);
            var body = await ReadBody(context);
            var request = ImagesRequest.Parse(body, registry, ref modelName);
            var model = request.Model;
            if (!model.TryAdmit())
            {
                var retry = model.RetryAfterSeconds;
                log.LogWarning("Refused a request for {Model}: queue full ({Concurrency} generating, {Queue} waiting); Retry-After {RetryAfter} s",
                    model.Name, model.Options.Concurrency, model.Options.QueueLength, retry);
                Count(modelName, StatusCodes.Status429TooManyRequests);
                await new ApiError(StatusCodes.Status429TooManyRequests, $"model {model.Name} is busy: its queue of {model.Options.QueueLength} is full; retry after {retry} s",
                    type: ApiError.RateLimit, code: "rate_limit_exceeded").WriteAsync(context, retry);
                return;
            }
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            using var lease = await model.WaitForPipelineAsync(stop.Token);
            var results = await Generate(model, lease, request, stop.Token);
            await WriteResponse(context, model, request, results);
            Count(modelName, StatusCodes.Status200OK);
            metrics.Images.WithLabels(modelName).Inc(results.Count);
            log.LogInformation("Generated {Images} image(s) of {Model}, {Width}x{Height}, {Steps} steps, {Method}, in {ElapsedMs:F0} ms after {QueueMs:F0} ms in the queue",
                results.Count, model.Name, results[0].Width, results[0].Height, results[0].Steps, results[0].Method,
                results.Sum(r => r.StepMs.Sum() + r.TextMs + r.DecodeMs), lease.WaitedMs);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Count(modelName, ClientClosed);
            if (modelName != NoModel) metrics.Cancelled.WithLabels(modelName).Inc();
            log.LogInformation("Client of a {Model} request disconnected; its generation was cancelled", modelName);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            Count(modelName, StatusCodes.Status503ServiceUnavailable);
            await new ApiError(503, "the server is shutting down", type: ApiError.Unavailable).WriteAsync(context);
        }
        catch (ApiError e)
        {
            Count(modelName, e.Status);
            log.LogInformation("Refused a request ({Status}, field {Param}): {Message}", e.Status, e.Param, e.Message);
            await e.WriteAsync(context, e.Status == 503 ? 5 : null);
        }
        catch (ArgumentException e)
        {
            // What only the run can tell (a method's own step rules, a prompt over the encoder's limit).
            Count(modelName, StatusCodes.Status400BadRequest);
            log.LogInformation("Refused a request at generation (400): {Message}", e.Message);
            await new ApiError(400, e.Message).WriteAsync(context);
        }
        catch (Exception e)
        {
            Count(modelName, StatusCodes.Status500InternalServerError);
            log.LogError(e, "Generation failed for {Model}", modelName);
            if (!context.Response.HasStarted)
                await new ApiError(500, $"generation failed: {e.Message}", type: ApiError.Server).WriteAsync(context);
        }
    }

    private void Count(string model, int status) =>
        registry.Metrics.Requests.WithLabels(model, status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();

    private static async Task<byte[]> ReadBody(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    private static async Task<List<GenerationResult>> Generate(ServedModel model, ServedModel.Lease lease, ImagesRequest request, CancellationToken cancel)
    {
        var results = new List<GenerationResult>(request.Images.Count);
        var progress = new StepMetrics(model.StepSeconds);
        var start = Stopwatch.GetTimestamp();
        await foreach (var result in lease.Pipeline.GenerateManyAsync(request.Images, progress, cancel))
        {
            var elapsed = Stopwatch.GetElapsedTime(start);
            start = Stopwatch.GetTimestamp();
            model.RecordImage(elapsed);
            model.ImageSeconds.Observe(elapsed.TotalSeconds);
            if (result.Jano is { } jano)
            {
                if (double.IsFinite(jano.EstimatedSpeedup)) model.MeasuredSpeedup.Observe(jano.EstimatedSpeedup);
                model.IdealSpeedup.Observe(jano.IdealSpeedup);
            }
            else if (result.Acceleration is { } a)
            {
                model.IdealSpeedup.Observe(a.IdealSpeedup);
            }
            results.Add(result);
        }
        return results;
    }

    private static async Task WriteResponse(HttpContext context, ServedModel model, ImagesRequest request, List<GenerationResult> results)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteNumber("created", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        json.WriteStartArray("data");
        foreach (var r in results)
        {
            json.WriteStartObject();
            json.WriteBase64String("b64_json", r.ToPng());
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("output_format", "png");
        json.WriteString("size", $"{results[0].Width}x{results[0].Height}");
        // Jano's own account of each image; OpenAI clients ignore fields they do not know.
        json.WriteStartObject("jano");
        json.WriteString("model", model.Name);
        json.WriteStartArray("images");
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            json.WriteStartObject();
            json.WriteNumber("seed", request.Images[i].Seed);
            json.WriteString("method", r.Method);
            json.WriteNumber("steps", r.Steps);
            json.WriteNumber("guidance", r.Guidance);
            json.WriteNumber("generation_ms", Math.Round(r.TextMs + r.StepMs.Sum() + r.DecodeMs, 2));
            if (r.Jano is { } jano)
            {
                json.WriteNumber("ideal_speedup", Math.Round(jano.IdealSpeedup, 4));
                if (double.IsFinite(jano.EstimatedSpeedup)) json.WriteNumber("measured_speedup", Math.Round(jano.EstimatedSpeedup, 4));
            }
            else if (r.Acceleration is { } a)
            {
                json.WriteNumber("ideal_speedup", Math.Round(a.IdealSpeedup, 4));
            }
            json.WriteStartArray("notes");
            foreach (var note in r.Notes) json.WriteStringValue(note);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    /// <summary>Each denoising step's time into the step histogram; a struct report through one instance per request.</summary>
    private sealed class StepMetrics(Prometheus.Histogram.Child steps) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value)
        {
            if (value.Stage == GenerationStage.Denoising && value.Step > 0) steps.Observe(value.StepMs / 1000.0);
        }
    }
}
