namespace Jano.Runtime.Batch;

/// <summary>
/// One line of a batch manifest (JOBS.jsonl): what to generate and where it came from. Fields left
/// out are null and take the batch's defaults (<see cref="BatchDefaults"/>), then the package's.
/// </summary>
public sealed record BatchItem
{
    /// <summary>Names the outputs (ID.png, ID.json); a content hash of the line's fields when the line has none.</summary>
    public required string Id { get; init; }

    /// <summary>True when <see cref="Id"/> is the content hash, not the user's.</summary>
    public bool IdIsHash { get; init; }

    /// <summary>1-based line in the manifest, for messages.</summary>
    public required int Line { get; init; }

    public required string Prompt { get; init; }
    public string? Negative { get; init; }
    public long? Seed { get; init; }
    public int? Steps { get; init; }
    public double? Guidance { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    /// <summary>A package folder; relative paths are relative to the manifest's folder.</summary>
    public string? Model { get; init; }
    /// <summary>"dense", "jano", or another acceleration method's name.</summary>
    public string? Method { get; init; }
    /// <summary>A Jano preset of the package.</summary>
    public string? Preset { get; init; }
}

/// <summary>Values the command line gives every item that does not set them itself.</summary>
public sealed record BatchDefaults
{
    public string Negative { get; init; } = "";
    /// <summary>An item without a seed gets this plus its 0-based position in the manifest, so every item differs and reruns agree.</summary>
    public long FirstSeed { get; init; }
    public int? Steps { get; init; }
    public double? Guidance { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public string? Model { get; init; }
    public string? Method { get; init; }
    public string? Preset { get; init; }
}
