namespace Jano.Runtime.Batch;

public static class BatchItemDefaults
{
    /// <summary>
    /// The item with every field it left out taken from <paramref name="defaults"/>; a missing seed is
    /// the first seed plus the item's 0-based position in the manifest (stable across reruns and shards:
    /// the position is in the whole manifest, not in a shard).
    /// </summary>
    public static BatchItem WithDefaults(this BatchItem item, BatchDefaults defaults, int position) => item with
    {
        Negative = item.Negative ?? defaults.Negative,
        Seed = item.Seed ?? checked(defaults.FirstSeed + position),
        Steps = item.Steps ?? defaults.Steps,
        Guidance = item.Guidance ?? defaults.Guidance,
        Width = item.Width ?? defaults.Width,
        Height = item.Height ?? defaults.Height,
        Model = item.Model ?? defaults.Model,
        Method = item.Method ?? defaults.Method,
        Preset = item.Preset ?? defaults.Preset,
    };
}
