namespace Jano.Runtime.Batch;

/// <summary>What merging the output folders of a sharded batch found.</summary>
public sealed record BatchMergeReport(
    int ShardCount,
    IReadOnlyList<(string Folder, BatchIndexEntry Entry)> Completed,
    IReadOnlyList<int> MissingShards,
    IReadOnlyList<string> MissingIds,
    IReadOnlyList<(string Id, IReadOnlyList<string> Folders)> Duplicated,
    int Failed)
{
    public bool Complete => MissingShards.Count == 0 && MissingIds.Count == 0 && Duplicated.Count == 0;
}

/// <summary>
/// Merges the index of every shard folder of one batch: all must come from one manifest and one shard
/// count; each id a shard owned must be done exactly once across all of them.
/// </summary>
public static class BatchMerge
{
    public static BatchMergeReport Merge(IReadOnlyList<string> folders)
    {
        if (folders.Count == 0) throw new ArgumentException("batch merge: give the output folder of every shard");
        var states = new List<(string Folder, BatchState State)>();
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder)) throw new ArgumentException($"{folder}: no such folder");
            var state = BatchState.Read(folder) ?? throw new ArgumentException($"{folder}: is not a jano batch output folder (no {BatchState.FileName})");
            states.Add((folder, state));
        }
        var first = states[0];
        foreach (var (folder, state) in states.Skip(1))
        {
            if (state.ManifestSha256 != first.State.ManifestSha256)
                throw new ArgumentException($"{folder}: is from another manifest than {first.Folder} (sha256 {state.ManifestSha256[..12]}… against {first.State.ManifestSha256[..12]}…)");
            if (state.ShardCount != first.State.ShardCount)
                throw new ArgumentException($"{folder}: is shard {state.ShardIndex}/{state.ShardCount}, but {first.Folder} is one of {first.State.ShardCount}");
        }
        var count = first.State.ShardCount;

        var completed = new List<(string, BatchIndexEntry)>();
        var foldersById = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var failed = 0;
        foreach (var (folder, _) in states)
        {
            var index = Path.Combine(folder, BatchFiles.Index);
            if (File.Exists(index))
                foreach (var entry in AppendOnlyJsonl<BatchIndexEntry>.ReadAll(index))
                {
                    completed.Add((folder, entry));
                    if (!foldersById.TryGetValue(entry.Id, out var list)) foldersById[entry.Id] = list = [];
                    list.Add(folder);
                }
            var errors = Path.Combine(folder, BatchFiles.Errors);
            if (File.Exists(errors)) failed += AppendOnlyJsonl<BatchErrorEntry>.ReadAll(errors).Select(e => e.Id).Distinct().Count(id => !foldersById.ContainsKey(id));
        }

        var present = states.Select(s => s.State.ShardIndex).ToHashSet();
        var missingShards = Enumerable.Range(0, count).Where(i => !present.Contains(i)).ToList();
        var missingIds = states.SelectMany(s => s.State.Ids).Distinct().Where(id => !foldersById.ContainsKey(id)).ToList();
        var duplicated = foldersById.Where(kv => kv.Value.Count > 1)
            .Select(kv => (kv.Key, (IReadOnlyList<string>)kv.Value)).OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        return new BatchMergeReport(count, completed, missingShards, missingIds, duplicated, failed);
    }
}

/// <summary>The file names a batch output folder holds beside ID.png and ID.json.</summary>
public static class BatchFiles
{
    public const string Index = "index.jsonl";
    public const string Errors = "errors.jsonl";
}
