using Jano.Runtime.Batch;

namespace Jano.Tests.Runtime.Batch;

public class BatchMergeTests
{
    private static readonly string Manifest = new('m', 64);

    /// <summary>A shard folder as `jano batch` leaves it: its state and the index of what it finished.</summary>
    private static string Shard(TempFolder temp, int index, int count, IEnumerable<string> owned, IEnumerable<string> done, string manifest = "")
    {
        var folder = temp.File($"shard{index}-{Guid.NewGuid():N}");
        BatchState.StartOrResume(folder, manifest == "" ? Manifest : manifest, new ShardSpec(index, count), owned.ToList());
        using var jsonl = AppendOnlyJsonl<BatchIndexEntry>.Open(Path.Combine(folder, BatchFiles.Index));
        foreach (var id in done) jsonl.Append(new BatchIndexEntry(id, 1, 0, id + ".png", id + ".json", "00"));
        return folder;
    }

    [Test]
    public void FindsEveryItemOfCompleteShards()
    {
        using var temp = new TempFolder();
        var ids = Enumerable.Range(0, 40).Select(i => $"j{i}").ToList();
        var folders = Enumerable.Range(0, 4).Select(s => { var own = ids.Where(new ShardSpec(s, 4).Owns).ToList(); return Shard(temp, s, 4, own, own); }).ToList();
        var report = BatchMerge.Merge(folders);
        Assert.That(report.Complete, Is.True);
        Assert.That(report.Completed.Select(c => c.Entry.Id).Order(), Is.EqualTo(ids.Order()));
    }

    [Test]
    public void NamesMissingItemsMissingShardsAndDuplicates()
    {
        using var temp = new TempFolder();
        var a = Shard(temp, 0, 3, ["x", "y"], ["x"]);
        var b = Shard(temp, 1, 3, ["z"], ["z", "x"]);
        var report = BatchMerge.Merge([a, b]);
        Assert.That(report.Complete, Is.False);
        Assert.That(report.MissingIds, Is.EqualTo(new[] { "y" }));
        Assert.That(report.MissingShards, Is.EqualTo(new[] { 2 }));
        Assert.That(report.Duplicated.Single().Id, Is.EqualTo("x"));
        Assert.That(report.Duplicated.Single().Folders, Is.EqualTo(new[] { a, b }));
    }

    [Test]
    public void RefusesFoldersOfDifferentBatches()
    {
        using var temp = new TempFolder();
        var a = Shard(temp, 0, 2, ["x"], ["x"]);
        var b = Shard(temp, 1, 2, ["y"], ["y"], manifest: new string('n', 64));
        var c = Shard(temp, 1, 3, ["y"], ["y"]);
        Assert.That(Assert.Throws<ArgumentException>(() => BatchMerge.Merge([a, b]))!.Message, Does.Contain("is from another manifest"));
        Assert.That(Assert.Throws<ArgumentException>(() => BatchMerge.Merge([a, c]))!.Message, Does.Contain("is shard 1/3, but"));
        Assert.That(Assert.Throws<ArgumentException>(() => BatchMerge.Merge([temp.Path]))!.Message, Does.Contain("is not a jano batch output folder"));
    }
}
