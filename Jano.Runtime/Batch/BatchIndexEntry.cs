using System.Text.Json.Serialization;

namespace Jano.Runtime.Batch;

/// <summary>One finished item in index.jsonl: which manifest line, which files, and the image's hash (so a merge can tell a copy from a rerun).</summary>
public sealed record BatchIndexEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("line")] int Line,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("sidecar")] string Sidecar,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>One failed item in errors.jsonl.</summary>
public sealed record BatchErrorEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("line")] int Line,
    [property: JsonPropertyName("error")] string Error);
