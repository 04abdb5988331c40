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
    /// <summary>
    /// Images per forward (--batch-size k): consecutive items of the shard that can share a forward (one
    /// package, size and step count; all dense, or all Jano with one preset) run k at a time, B = k or 2k
    /// with guidance. Jano items of a batch compute the union of their masks
    /// (<see cref="Pipeline.TextToImagePipeline.GenerateBatch"/>), so their images differ from k = 1.
    /// </summary>
    public int BatchSize { get; init; } = 1;
}
