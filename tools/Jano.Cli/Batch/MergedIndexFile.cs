using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Jano.Core.IO;
using Jano.Runtime.Batch;

namespace Jano.Cli.Batch;

/// <summary>
/// The index of a whole sharded batch, written by `jano batch merge --index FILE`: every completed item
/// once, in manifest order, its files named relative to the index's folder so the folders and the index
/// can be moved together. Written atomically (a reader never sees half of it).
/// </summary>
public static class MergedIndexFile
{
    public sealed record Entry(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("line")] int Line,
        [property: JsonPropertyName("seed")] long Seed,
        [property: JsonPropertyName("image")] string Image,
        [property: JsonPropertyName("sidecar")] string Sidecar,
        [property: JsonPropertyName("sha256")] string Sha256);

    public static void Write(string path, BatchMergeReport report)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string Relative(string shardFolder, string file) => Path.GetRelativePath(folder, Path.Combine(Path.GetFullPath(shardFolder), file)).Replace('\\', '/');
        var text = new StringBuilder();
        // The first copy of a duplicated id: the report names the duplicates, the index holds each id once.
        foreach (var (shardFolder, e) in report.Completed.DistinctBy(c => c.Entry.Id).OrderBy(c => c.Entry.Line))
            text.Append(JsonSerializer.Serialize(new Entry(e.Id, e.Line, e.Seed, Relative(shardFolder, e.Image), Relative(shardFolder, e.Sidecar), e.Sha256))).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
