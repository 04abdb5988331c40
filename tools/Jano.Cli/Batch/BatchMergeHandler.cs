using System.Globalization;
using Jano.Runtime.Batch;

namespace Jano.Cli.Batch;

/// <summary>
/// `jano batch merge DIR...`: reads every shard folder's state and index, says how many items are done,
/// and names what is missing (shards without a folder, items without an image) or duplicated (one id done
/// by two folders); exit code 3 when the batch is not complete, so a pipeline can wait or resubmit.
/// </summary>
public sealed class BatchMergeHandler
{
    /// <summary>At most this many ids are listed per problem; the count is always given.</summary>
    public const int ListedIds = 20;

    public int Run(BatchMergeSettings settings, TextWriter stdout, TextWriter stderr)
    {
        if (settings.Folders.Count == 0)
        {
            stderr.WriteLine("jano batch merge: give the output folder of every shard (jano batch merge DIR...)");
            return BatchExitCodes.Usage;
        }
        BatchMergeReport report;
        try
        {
            report = BatchMerge.Merge(settings.Folders);
            if (settings.Index is { } index)
            {
                if (Directory.Exists(index)) throw new ArgumentException($"--index {index}: is a folder; give a file name such as merged.jsonl");
                MergedIndexFile.Write(index, report);
            }
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            stderr.WriteLine($"jano batch merge: {Jano.Core.OneLine.Of(e.Message)}");
            return BatchExitCodes.Refused;
        }

        var done = report.Completed.Select(c => c.Entry.Id).Distinct(StringComparer.Ordinal).Count();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"merge: {settings.Folders.Count} folder{(settings.Folders.Count == 1 ? "" : "s")} of a batch in {report.ShardCount} shard{(report.ShardCount == 1 ? "" : "s")}: {done} items done, {report.MissingIds.Count} missing, {report.Duplicated.Count} duplicated, {report.Failed} failed"));
        if (report.MissingShards.Count > 0)
            stdout.WriteLine($"missing shards (no folder given): {string.Join(", ", report.MissingShards)}");
        if (report.MissingIds.Count > 0)
            stdout.WriteLine($"missing items: {Listed(report.MissingIds)}");
        foreach (var (id, folders) in report.Duplicated.Take(ListedIds))
            stdout.WriteLine($"duplicated: {id} in {string.Join(", ", folders)}");
        if (settings.Index is { } written) stdout.WriteLine($"wrote {written} ({done} items)");
        return report.Complete ? BatchExitCodes.Done : BatchExitCodes.Incomplete;
    }

    private static string Listed(IReadOnlyList<string> ids) =>
        string.Join(", ", ids.Take(ListedIds)) + (ids.Count > ListedIds ? $" and {ids.Count - ListedIds} more" : "");
}
