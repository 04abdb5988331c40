using System.Text.Json;

namespace Jano.Serve;

/// <summary>
/// An error answered in OpenAI's shape, <c>{"error": {"message", "type", "param", "code"}}</c>, so clients
/// written for that API show it as they show OpenAI's: <c>param</c> names the request field at fault.
/// </summary>
internal sealed class ApiError(int status, string message, string? param = null, string type = ApiError.InvalidRequest, string? code = null) : Exception(message)
{
    public const string InvalidRequest = "invalid_request_error", RateLimit = "rate_limit_error", Server = "server_error", Unavailable = "service_unavailable";

    public int Status => status;
    public string? Param => param;
    public string Type => type;
    public string? Code => code;

    /// <summary>400 naming the field.</summary>
    public static ApiError Field(string field, string message) => new(StatusCodes.Status400BadRequest, message, field);

    public async Task WriteAsync(HttpContext context, int? retryAfterSeconds = null)
    {
        context.Response.StatusCode = status;
        if (retryAfterSeconds is { } s) context.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", Message);
        json.WriteString("type", type);
        if (param is null) json.WriteNull("param"); else json.WriteString("param", param);
        if (code is null) json.WriteNull("code"); else json.WriteString("code", code);
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
