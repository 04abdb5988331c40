namespace Jano.Cli.Batch;

/// <summary>What `jano batch merge DIR... [--index FILE]` was asked: every shard's output folder, and where to write the merged index.</summary>
public sealed record BatchMergeSettings
{
    public required IReadOnlyList<string> Folders { get; init; }
    /// <summary>--index FILE: one JSON Lines index of every shard's items (paths relative to the file's folder); null: report only.</summary>
    public string? Index { get; init; }
}
