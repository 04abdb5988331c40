namespace Jano.Export.Encoders.T5;

/// <summary>
/// T5's relative-position buckets (encoder, bidirectional). Half the buckets serve keys after the
/// query, half keys at or before it; within a half, distances below a quarter of the buckets have one
/// bucket each and the rest are log-spaced up to max_distance, beyond which every distance shares the
/// last bucket. Because of that last point the bucket depends only on the distance clipped to
/// ±max_distance, so the graph needs a table of 2·max_distance + 1 rows, not one per token pair, and
/// has no length limit.
/// </summary>
public static class T5RelativePosition
{
    /// <summary>
    /// The bucket of <paramref name="relative"/> = key position − query position, computed as
    /// transformers does: the log ratio in float32 (relative.float() / max_exact, torch.log, divided by
    /// log(max_distance / max_exact) taken as a float32 scalar, times the log-spaced bucket count),
    /// truncated to an integer. Done in double instead, a ratio that lands exactly on an integer can
    /// round either way; float32 keeps the same side as the checkpoints' own code.
    /// </summary>
    public static int Bucket(int relative, int numBuckets, int maxDistance)
    {
        var half = numBuckets / 2;
        var bucket = relative > 0 ? half : 0;
        var distance = Math.Abs(relative);
        var maxExact = half / 2;
        if (distance < maxExact) return bucket + distance;
        var ratio = MathF.Log((float)distance / maxExact) / (float)Math.Log((double)maxDistance / maxExact) * (half - maxExact);
        return bucket + Math.Min(maxExact + (int)ratio, half - 1);
    }

    /// <summary>Bucket of every relative position −max_distance..max_distance: entry r + max_distance.</summary>
    public static int[] BucketsByDistance(int numBuckets, int maxDistance)
    {
        var table = new int[2 * maxDistance + 1];
        for (var r = -maxDistance; r <= maxDistance; r++) table[r + maxDistance] = Bucket(r, numBuckets, maxDistance);
        return table;
    }

    /// <summary>
    /// The bias rows by clipped distance, [2·max_distance + 1, heads]: row r + max_distance is the
    /// bias table's row of bucket(r), so the graph reads a pair's bias with one Gather.
    /// </summary>
    public static float[] BiasByDistance(float[] biasTable, int numBuckets, int heads, int maxDistance)
    {
        if (biasTable.Length != numBuckets * heads)
            throw new ArgumentException($"relative bias table has {biasTable.Length} values, expected {numBuckets}×{heads}");
        var buckets = BucketsByDistance(numBuckets, maxDistance);
        var rows = new float[buckets.Length * heads];
        for (var i = 0; i < buckets.Length; i++)
            Array.Copy(biasTable, buckets[i] * heads, rows, i * heads, heads);
        return rows;
    }
}
