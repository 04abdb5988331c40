using System.Text.Json;

namespace Jano.Serve;

/// <summary>GET /v1/models (OpenAI's list shape, with each model's Jano facts), /healthz and /readyz.</summary>
internal static class InfoEndpoints
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IResult Models(ModelRegistry registry) =>
        Results.Json(new { @object = "list", data = registry.Models.Select(Describe).ToList() }, Json);

    public static IResult Model(ModelRegistry registry, string id) =>
        registry.Find(id) is { } model ? Results.Json(Describe(model), Json)
        : Results.Json(new { error = new { message = $"model '{id}' is not served here; models: {string.Join(", ", registry.Models.Select(m => m.Name))}", type = ApiError.InvalidRequest, param = "model", code = "model_not_found" } },
            Json, statusCode: StatusCodes.Status404NotFound);

    private static object Describe(ServedModel m)
    {
        var manifest = m.Package.Manifest;
        var size = m.Loaded ? m.Template.DefaultImageSize : ((int Width, int Height)?)null;
        return new
        {
            id = m.Name,
            @object = "model",
            created = new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(m.Folder, Jano.Core.Packages.ModelManifest.FileName))).ToUnixTimeSeconds(),
            owned_by = "jano",
            jano = new
            {
                family = manifest.Family,
                loaded = m.Loaded,
                size = size is { } s ? $"{s.Width}x{s.Height}" : null,
                steps = manifest.Defaults.Steps,
                guidance = manifest.Defaults.Guidance,
                default_preset = manifest.DefaultJanoPreset,
                presets = manifest.JanoPresets?.Keys.ToList() ?? [],
                concurrency = m.Options.Concurrency,
                queue = m.Options.QueueLength,
            },
        };
    }

    public static IResult Health() => Results.Text("ok\n");

    public static IResult Ready(ModelRegistry registry)
    {
        if (registry.Ready) return Results.Json(new { status = "ready", models = registry.Models.Select(m => m.Name).ToList() }, Json);
        if (registry.LoadError is { } error) return Results.Json(new { status = "failed", error }, Json, statusCode: StatusCodes.Status503ServiceUnavailable);
        return Results.Json(new { status = "loading", models = registry.Models.Where(m => m.Loaded).Select(m => m.Name).ToList() }, Json, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
