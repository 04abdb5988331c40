using System.Globalization;
using System.Text.Json;
using Jano.Runtime.Pipeline;

namespace Jano.Serve;

/// <summary>
/// A parsed POST /v1/images/generations body: OpenAI's Images API fields (prompt, model, n, size,
/// response_format b64_json, output_format png) and Jano's extensions (seed, steps, guidance,
/// negative_prompt, method, jano), turned into one pipeline request per image. Fields OpenAI defines
/// that do not apply here (quality, style, user, background, moderation) are accepted and ignored;
/// unknown fields are ignored too, as OpenAI's clients send new ones over time.
/// </summary>
internal sealed record ImagesRequest(ServedModel Model, IReadOnlyList<GenerationRequest> Images)
{
    /// <param name="modelName">Set to the model's name as soon as it is known, so a refusal is counted against it.</param>
    /// <exception cref="ApiError">400 naming the field, or 503 while the model is loading.</exception>
    public static ImagesRequest Parse(ReadOnlySpan<byte> body, ModelRegistry registry, ref string modelName)
    {
        if (body.IsEmpty) throw new ApiError(400, "the request body is empty: send a JSON object with at least \"prompt\"");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            throw new ApiError(400, $"the request body is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ApiError(400, $"the request body must be a JSON object, got {root.ValueKind.ToString().ToLowerInvariant()}");
            return Parse(root, registry, ref modelName);
        }
    }

    private static ImagesRequest Parse(JsonElement root, ModelRegistry registry, ref string modelName)
    {
        var asked = String(root, "model");
        var model = asked is null ? registry.Default
            : registry.Find(asked) ?? throw ApiError.Field("model", $"model '{asked}' is not served here; models: {string.Join(", ", registry.Models.Select(m => m.Name))}");
        modelName = model.Name;
        if (!model.Loaded) throw new ApiError(503, $"model {model.Name} is still loading; retry shortly (GET /readyz says when it is ready)", type: ApiError.Unavailable);
        var prompt = String(root, "prompt") ?? throw ApiError.Field("prompt", "prompt is required: a description of the image");
        if (string.IsNullOrWhiteSpace(prompt)) throw ApiError.Field("prompt", "prompt is empty: give a description of the image");
        var options = model.Options;
        var n = (int)(Integer(root, "n", 1, options.MaxImages) ?? 1);
        var format = String(root, "response_format");
        if (format is not (null or "b64_json"))
            throw ApiError.Field("response_format", format == "url"
                ? "response_format 'url' is not supported: jano serve returns images inline; use b64_json"
                : $"response_format '{format}': allowed b64_json");
        if (String(root, "output_format") is { } output && output != "png")
            throw ApiError.Field("output_format", $"output_format '{output}': allowed png");
        var (width, height) = Size(String(root, "size"));
        var seed = Integer(root, "seed", 0, long.MaxValue - options.MaxImages) ?? 0;
        var template = new GenerationRequest
        {
            Prompt = prompt,
            NegativePrompt = String(root, "negative_prompt") ?? "",
            Steps = (int?)Integer(root, "steps", 1, options.MaxSteps),
            Guidance = Number(root, "guidance", 0, 1000),
            Width = width,
            Height = height,
        };
        var method = String(root, "method");
        var preset = String(root, "jano");
        var pipeline = model.Template;
        try
        {
            template = AccelerationChoice.Apply(template, model.Package.Manifest, method, preset);
        }
        catch (ArgumentException e)
        {
            throw ApiError.Field(method is null || e.Message.StartsWith("jano preset", StringComparison.Ordinal) ? "jano" : "method", e.Message);
        }
        try
        {
            pipeline.GeometryFor(template);
        }
        catch (ArgumentException e)
        {
            throw ApiError.Field("size", e.Message);
        }
        try
        {
            pipeline.EffectiveJano(template, out _); // a preset asked for that cannot act at this step count
        }
        catch (ArgumentException e)
        {
            throw ApiError.Field(preset is null ? "steps" : "jano", e.Message);
        }
        var images = Enumerable.Range(0, n).Select(k => template with { Seed = seed + k }).ToList();
        return new ImagesRequest(model, images);
    }

    /// <summary>OpenAI's size, "WIDTHxHEIGHT" in pixels, or "auto" (the package's size).</summary>
    private static (int? Width, int? Height) Size(string? size)
    {
        if (size is null || size == "auto") return (null, null);
        var parts = size.Split('x', 'X');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h) && w is >= 1 and <= 16384 && h is >= 1 and <= 16384)
            return (w, h);
        throw ApiError.Field("size", $"size '{size}': give WIDTHxHEIGHT in pixels (each 1 to 16384), e.g. 32x32, or auto");
    }

    private static string? String(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw ApiError.Field(field, $"{field} must be a string, got {v.GetRawText()}");
    }

    private static long? Integer(JsonElement root, string field, long min, long max)
    {
        if (!root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= min && n <= max) return n;
        throw ApiError.Field(field, $"{field} must be a whole number from {min} to {max}, got {v.GetRawText()}");
    }

    private static double? Number(JsonElement root, string field, double min, double max)
    {
        if (!root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.GetDouble() is var d && double.IsFinite(d) && d >= min && d <= max) return d;
        throw ApiError.Field(field, $"{field} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, got {v.GetRawText()}");
    }
}
