using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Jano.LoadTest;

/// <summary>
/// One simulated client: sends the request, waits for the answer, sends again, until the test's time is up
/// (a request under way then is finished, not abandoned). A 429's Retry-After is honoured, capped.
/// </summary>
public sealed class LoadClient(HttpClient http, LoadSettings settings)
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public async Task<List<RequestOutcome>> Run(DateTime until, CancellationToken cancel)
    {
        var outcomes = new List<RequestOutcome>();
        while (DateTime.UtcNow < until && !cancel.IsCancellationRequested)
        {
            var (outcome, retryAfter) = await Send(cancel);
            outcomes.Add(outcome);
            if (retryAfter is { } wait && DateTime.UtcNow < until)
                await Task.Delay(wait < settings.MaxRetryAfter ? wait : settings.MaxRetryAfter, cancel);
        }
        return outcomes;
    }

    private async Task<(RequestOutcome, TimeSpan?)> Send(CancellationToken cancel)
    {
        var start = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(settings.RequestTimeout);
        try
        {
            using var content = new StringContent(settings.Body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(settings.Server, "/v1/images/generations"), content, timeout.Token);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                return (new RequestOutcome(OutcomeKind.Rejected, ms, 0), response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            // A server that says when to come back (503 while shutting down or loading) is asked again then, not hammered.
            if (status >= 500) return (new RequestOutcome(OutcomeKind.ServerError, ms, 0, $"{status}: {Snippet(body)}"), response.Headers.RetryAfter?.Delta);
            if (status >= 400) return (new RequestOutcome(OutcomeKind.ClientError, ms, 0, $"{status}: {Snippet(body)}"), null);
            var images = CountPngs(body);
            return images == settings.ImagesPerRequest
                ? (new RequestOutcome(OutcomeKind.Accepted, ms, images), null)
                : (new RequestOutcome(OutcomeKind.Lost, ms, images, $"{status} with {images} of {settings.ImagesPerRequest} images"), null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || e is OperationCanceledException && !cancel.IsCancellationRequested)
        {
            return (new RequestOutcome(OutcomeKind.Lost, Stopwatch.GetElapsedTime(start).TotalMilliseconds, 0, e.Message), null);
        }
    }

    /// <summary>The b64_json entries of an Images API answer that decode to PNG bytes.</summary>
    private static int CountPngs(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var count = 0;
            foreach (var item in doc.RootElement.GetProperty("data").EnumerateArray())
            {
                var bytes = Convert.FromBase64String(item.GetProperty("b64_json").GetString() ?? "");
                if (bytes.AsSpan().StartsWith(PngSignature)) count++;
            }
            return count;
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return 0;
        }
    }

    private static string Snippet(byte[] body) => Jano.LoadTest.Text.OneLine(Encoding.UTF8.GetString(body), 200);
}
