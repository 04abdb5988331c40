using System.Text.Json;
using Jano.Core.Acceleration;

namespace Jano.Runtime.Batch;

/// <summary>
/// The JSON beside a batch image (ID.json): what produced it — and nothing that differs between two
/// runs of the same job (no timings, no host), so a resumed batch leaves a folder byte-identical to an
/// uninterrupted one. Timings go to the command's output, not into the folder.
/// </summary>
public sealed record BatchSidecar
{
    public required string Id { get; init; }
    public required int Line { get; init; }
    public required string Prompt { get; init; }
    public required string Negative { get; init; }
    public required long Seed { get; init; }
    public required int Steps { get; init; }
    public required double Guidance { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required string Sampler { get; init; }
    public required string Method { get; init; }
    public JanoOptions? Jano { get; init; }
    public required string Model { get; init; }
    public required string PackageSha256 { get; init; }
    public required string Image { get; init; }
    /// <summary>
    /// For a Jano item that ran in a batched forward (--batch-size): the ids of the batch, whose masks' union
    /// it computed; the same request generated alone gives another image. Null for an item that ran alone or dense.
    /// </summary>
    public IReadOnlyList<string>? JanoUnionOf { get; init; }

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options) + "\n";
}
