namespace Jano.Cli.Batch;

/// <summary>
/// What `jano batch JOBS.jsonl --out DIR` was asked: the manifest, the folder, which shard, and the values
/// an item takes when its line leaves a field out (then the package's own defaults apply).
/// </summary>
public sealed record BatchSettings
{
    /// <summary>The JSON Lines manifest (JOBS.jsonl).</summary>
    public required string Manifest { get; init; }
    /// <summary>The output folder (--out): ID.png, ID.json, index.jsonl, errors.jsonl.</summary>
    public required string Out { get; init; }
    /// <summary>The package of items without "model" (--model); null: the shipped default model.</summary>
    public string? Model { get; init; }
    /// <summary>--shard INDEX/COUNT as written; null: from the Slurm or Kubernetes environment, else the whole batch.</summary>
    public string? Shard { get; init; }
    /// <summary>--completions N: a Kubernetes Indexed Job's spec.completions (the pod sees only its index).</summary>
    public int? Completions { get; init; }
    /// <summary>--seed: the first seed; an item without one gets this plus its 0-based line position.</summary>
    public long Seed { get; init; }
    public int? Steps { get; init; }
    public double? Guidance { get; init; }
    /// <summary>--size WIDTHxHEIGHT in image pixels.</summary>
    public (int Width, int Height)? Size { get; init; }
    public string? Negative { get; init; }
    /// <summary>--method dense|jano (default jano with the package's default preset).</summary>
    public string? Method { get; init; }
    /// <summary>--jano-preset NAME.</summary>
    public string? Preset { get; init; }
    public int Threads { get; init; }
    public string Provider { get; init; } = "auto";
    public string Attention { get; init; } = new Jano.Runtime.RuntimeOptions().Attention;
    public bool Truncate { get; init; }
    /// <summary>--batch-size k: images per forward for items that can share one (one size, step count and method).</summary>
    public int BatchSize { get; init; } = 1;
}
