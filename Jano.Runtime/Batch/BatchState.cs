using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Jano.Core.IO;

namespace Jano.Runtime.Batch;

/// <summary>
/// What a batch output folder is for, written once when the batch starts (DIR/.jano-batch.json, hidden
/// so no item id can collide with it): the manifest's hash, the shard and the ids this shard owns, in
/// order. A rerun checks it is resuming the same work; `jano batch merge` learns from it which ids each
/// shard had to produce, so it can name the missing ones.
/// </summary>
public sealed record BatchState(
    [property: JsonPropertyName("manifestSha256")] string ManifestSha256,
    [property: JsonPropertyName("shardIndex")] int ShardIndex,
    [property: JsonPropertyName("shardCount")] int ShardCount,
    [property: JsonPropertyName("ids")] IReadOnlyList<string> Ids)
{
    public const string FileName = ".jano-batch.json";

    public static string PathIn(string folder) => System.IO.Path.Combine(folder, FileName);

    public static string HashOf(string manifestPath) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(manifestPath)));

    public static BatchState? Read(string folder)
    {
        var path = PathIn(folder);
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonInput.ParseDocument(File.ReadAllBytes(path));
            return doc.RootElement.Deserialize<BatchState>() ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: is damaged ({JsonInput.OneLine(e)}); remove the folder's batch files to start over");
        }
    }

    public void Write(string folder) => AtomicFile.WriteAllText(PathIn(folder), JsonSerializer.Serialize(this));

    /// <summary>
    /// Starts or resumes a folder for this manifest and shard: writes the state if the folder has none;
    /// refuses a folder that holds another manifest's or another shard's results (resuming it would mix two batches).
    /// </summary>
    public static BatchState StartOrResume(string folder, string manifestSha256, ShardSpec shard, IReadOnlyList<string> ids)
    {
        var fresh = new BatchState(manifestSha256, shard.Index, shard.Count, ids);
        var existing = Read(folder);
        if (existing is null)
        {
            Directory.CreateDirectory(folder);
            fresh.Write(folder);
            return fresh;
        }
        if (existing.ManifestSha256 != manifestSha256)
            throw new InvalidOperationException($"{folder}: holds the results of another manifest (sha256 {existing.ManifestSha256[..12]}…, this one {manifestSha256[..12]}…); give a new --out folder, or the manifest that started it");
        if (existing.ShardIndex != shard.Index || existing.ShardCount != shard.Count)
            throw new InvalidOperationException($"{folder}: holds shard {existing.ShardIndex}/{existing.ShardCount}, not {shard}; give each shard its own --out folder");
        return existing;
    }
}
