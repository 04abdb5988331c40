namespace Jano.Runtime.Batch;

/// <summary>What one `jano batch` run does: which manifest, where its outputs go, the defaults and the shard.</summary>
public sealed record BatchRunSettings
{
    public required string ManifestPath { get; init; }
    public required string OutputFolder { get; init; }
    /// <summary>The package an item without "model" (and without a batch default) uses.</summary>
    public required string DefaultModel { get; init; }
    public BatchDefaults Defaults { get; init; } = new();
    public ShardSpec Shard { get; init; } = ShardSpec.Whole;
    public RuntimeOptions Runtime { get; init; } = new();
}
