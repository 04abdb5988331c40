using System.Security.Cryptography;
using System.Text.Json;
using Jano.Cli;
using Jano.Runtime;
using Jano.Runtime.Batch;
using Jano.Tests.Cli;

namespace Jano.Tests.Runtime.Batch;

/// <summary>
/// BatchRunner in-process on the default model at a few steps: the folder it leaves (image + sidecar per
/// item, the index, errors past a failed item), resuming, and the same bytes `jano generate` writes.
/// </summary>
[TestFixture]
public sealed class BatchRunnerTests
{
    private static readonly RuntimeOptions OneThread = new() { Threads = 1 };

    private static BatchRunSettings Settings(string manifest, string output, BatchDefaults? defaults = null) => new()
    {
        ManifestPath = manifest, OutputFolder = output, DefaultModel = DefaultModel.Locate(),
        Defaults = defaults ?? new BatchDefaults { Steps = 3, Method = "dense" }, Runtime = OneThread,
    };

    private static BatchOutcome RunAll(BatchRunSettings settings, IProgress<BatchProgress>? progress = null, CancellationToken cancel = default)
    {
        using var runner = new BatchRunner(settings);
        return runner.Run(runner.Prepare(), progress, cancel);
    }

    private static readonly string[] ThreeJobs =
    [
        """{"id": "boot", "prompt": "an ankle boot", "seed": 11}""",
        """{"id": "bag", "prompt": "a bag", "seed": 12, "guidance": 2.5}""",
        """{"prompt": "a t-shirt", "seed": 13}""",
    ];

    [Test]
    public void WritesImageSidecarAndIndexPerItemInManifestOrder()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", ThreeJobs);
        var output = temp.File("out");
        var outcome = RunAll(Settings(manifest, output));
        Assert.That(outcome, Is.EqualTo(outcome with { Generated = 3, Skipped = 0, Failed = 0 }));

        var hashId = BatchManifest.Parse(ThreeJobs[2], "x").Single().Id;
        Assert.That(hashId, Does.Match("^h[0-9a-f]{16}$"), "a line without id is named by its content hash");
        var index = AppendOnlyJsonl<BatchIndexEntry>.ReadAll(Path.Combine(output, BatchFiles.Index));
        Assert.That(index.Select(e => e.Id), Is.EqualTo(new[] { "boot", "bag", hashId }));
        Assert.That(index.Select(e => e.Line), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(index.Select(e => e.Seed), Is.EqualTo(new long[] { 11, 12, 13 }));
        foreach (var e in index)
        {
            var png = File.ReadAllBytes(Path.Combine(output, e.Image));
            Assert.That(png[1..4], Is.EqualTo("PNG"u8.ToArray()), e.Image);
            Assert.That(e.Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(png))), "the index holds the image's hash");
            using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, e.Sidecar)));
            var root = sidecar.RootElement;
            Assert.That(root.GetProperty("id").GetString(), Is.EqualTo(e.Id));
            Assert.That(root.GetProperty("seed").GetInt64(), Is.EqualTo(e.Seed));
            Assert.That(root.GetProperty("steps").GetInt32(), Is.EqualTo(3), "the batch default");
            Assert.That(root.GetProperty("method").GetString(), Is.EqualTo("dense"));
            Assert.That(root.GetProperty("image").GetString(), Is.EqualTo(e.Image));
        }
        using (var bag = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "bag.json"))))
            Assert.That(bag.RootElement.GetProperty("guidance").GetDouble(), Is.EqualTo(2.5), "a line's own field wins over the default");
        Assert.That(File.ReadAllText(Path.Combine(output, BatchFiles.Errors)), Is.Empty);
        Assert.That(Directory.GetFiles(output, "*.tmp"), Is.Empty, "no temporaries left");
        Assert.That(Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            BatchState.FileName, "bag.json", "bag.png", "boot.json", "boot.png", BatchFiles.Errors, hashId + ".json", hashId + ".png", BatchFiles.Index,
        }.Order(StringComparer.Ordinal)));
    }

    [Test]
    public void FailedItemIsRecordedAndTheBatchGoesOn()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", ThreeJobs);
        var output = temp.File("out");
        // A folder where bag's image must go: the write of that one item fails, as on a full or read-only disk.
        Directory.CreateDirectory(Path.Combine(output, "bag.png"));
        var outcome = RunAll(Settings(manifest, output));
        Assert.That((outcome.Generated, outcome.Failed), Is.EqualTo((2, 1)));
        var errors = AppendOnlyJsonl<BatchErrorEntry>.ReadAll(Path.Combine(output, BatchFiles.Errors));
        Assert.That(errors.Select(e => (e.Id, e.Line)), Is.EqualTo(new[] { ("bag", 2) }));
        Assert.That(errors[0].Error, Does.Not.Contain("\n"));
        Assert.That(AppendOnlyJsonl<BatchIndexEntry>.ReadAll(Path.Combine(output, BatchFiles.Index)).Select(e => e.Id), Does.Not.Contain("bag").And.Contain("boot"));
        Assert.That(File.Exists(Path.Combine(output, "bag.json")), Is.False, "no sidecar without its image");

        // Once the cause is gone a rerun does the failed item only; its error is not recorded twice.
        Directory.Delete(Path.Combine(output, "bag.png"));
        var again = RunAll(Settings(manifest, output));
        Assert.That((again.Generated, again.Skipped, again.Failed), Is.EqualTo((1, 2, 0)));
        Assert.That(AppendOnlyJsonl<BatchIndexEntry>.ReadAll(Path.Combine(output, BatchFiles.Index)).Select(e => e.Id).Last(), Is.EqualTo("bag"));
        Assert.That(AppendOnlyJsonl<BatchErrorEntry>.ReadAll(Path.Combine(output, BatchFiles.Errors)), Has.Count.EqualTo(1));
    }

    [Test]
    public void InterruptedRunResumesToTheSameBytesAsAnUninterruptedOne()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", ThreeJobs);
        var whole = temp.File("whole");
        RunAll(Settings(manifest, whole));

        var resumed = temp.File("resumed");
        using var stop = new CancellationTokenSource();
        // Stops after the first item: the second run must skip it and do the other two.
        var progress = new Inline(p => { if (p.Done == 1) stop.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => RunAll(Settings(manifest, resumed), progress, stop.Token));
        Assert.That(AppendOnlyJsonl<BatchIndexEntry>.ReadAll(Path.Combine(resumed, BatchFiles.Index)), Has.Count.EqualTo(1));
        var bootBytes = File.ReadAllBytes(Path.Combine(resumed, "boot.png"));
        var bootTime = File.GetLastWriteTimeUtc(Path.Combine(resumed, "boot.png"));

        var outcome = RunAll(Settings(manifest, resumed));
        Assert.That((outcome.Generated, outcome.Skipped, outcome.Failed), Is.EqualTo((2, 1, 0)));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(resumed, "boot.png")), Is.EqualTo(bootTime), "a completed item is not written again");
        Assert.That(File.ReadAllBytes(Path.Combine(resumed, "boot.png")), Is.EqualTo(bootBytes));
        BatchFolders.AssertIdentical(whole, resumed);

        var third = RunAll(Settings(manifest, resumed));
        Assert.That((third.Generated, third.Skipped), Is.EqualTo((0, 3)), "a finished folder has nothing left to do");
        BatchFolders.AssertIdentical(whole, resumed);
    }

    [Test]
    public void LeftoverTemporariesOfAKilledRunAreRemovedOnResume()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", ThreeJobs[0]);
        var whole = temp.File("whole");
        RunAll(Settings(manifest, whole));
        var killed = temp.File("killed");
        Directory.CreateDirectory(killed);
        // What FilePair leaves when the process dies between writing the temporaries and renaming them.
        File.WriteAllText(Path.Combine(killed, $".boot.png.4242.{Guid.NewGuid():N}.tmp"), "half an image");
        File.WriteAllText(Path.Combine(killed, "notes.txt"), "the user's");
        RunAll(Settings(manifest, killed));
        File.Delete(Path.Combine(killed, "notes.txt"));
        BatchFolders.AssertIdentical(whole, killed);
    }

    [Test]
    public void ImagesAreTheBytesJanoGenerateWritesForTheSameSeed()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl",
            """{"id": "dense", "prompt": "a sandal", "seed": 21, "steps": 4, "method": "dense"}""",
            """{"id": "jano", "prompt": "a pullover", "seed": 22, "steps": 12, "method": "jano", "preset": "fast", "negative": "blurry"}""");
        var output = temp.File("out");
        RunAll(Settings(manifest, output, new BatchDefaults()));

        var dense = temp.File("dense.png");
        var r = CliRunner.Run("generate", "a sandal", "--seed", "21", "--steps", "4", "--dense", "--threads", "1", "--out", dense);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        var jano = temp.File("jano.png");
        r = CliRunner.Run("generate", "a pullover", "--seed", "22", "--steps", "12", "--jano-preset", "fast", "--negative", "blurry", "--threads", "1", "--out", jano);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);

        Assert.That(File.ReadAllBytes(Path.Combine(output, "dense.png")), Is.EqualTo(File.ReadAllBytes(dense)));
        Assert.That(File.ReadAllBytes(Path.Combine(output, "jano.png")), Is.EqualTo(File.ReadAllBytes(jano)));
        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "jano.json")));
        Assert.That(sidecar.RootElement.GetProperty("method").GetString(), Is.EqualTo("jano"));
        Assert.That(sidecar.RootElement.GetProperty("jano").GetProperty("mediumThreshold").GetDouble(), Is.EqualTo(0.65), "the fast preset's");
    }

    [Test]
    public void ALineThatCannotRunStopsTheBatchBeforeAnythingRuns()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", ThreeJobs[0], """{"id": "x", "prompt": "a coat", "preset": "turbo"}""");
        var output = temp.File("out");
        using var runner = new BatchRunner(Settings(manifest, output, new BatchDefaults { Method = "jano" }));
        var e = Assert.Throws<BatchManifestException>(() => runner.Prepare())!;
        Assert.That(e.Message, Does.Contain("jobs.jsonl:2: field 'preset' is 'turbo'").And.Contain("fast"));
        Assert.That(Directory.Exists(output), Is.False, "nothing written");
    }

    [Test]
    public void AFolderOfAnotherShardIsRefused()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", ThreeJobs);
        var output = temp.File("out");
        BatchState.StartOrResume(output, BatchState.HashOf(manifest), new ShardSpec(1, 2), ["boot"]);
        using var runner = new BatchRunner(Settings(manifest, output) with { Shard = new ShardSpec(0, 2) });
        var e = Assert.Throws<InvalidOperationException>(() => runner.Run(runner.Prepare()))!;
        Assert.That(e.Message, Does.Contain("holds shard 1/2, not 0/2"));
    }

    [Test]
    public void BatchesOfThreeLeaveTheFolderOfOneAtATime()
    {
        using var temp = new TempFolder();
        var clothes = new[] { "a coat", "a sandal", "a bag" };
        var lines = Enumerable.Range(0, 7).Select(i => $$"""{"id": "d{{i}}", "prompt": "{{clothes[i % 3]}}", "guidance": {{2 + i}}}""")
            .Append("""{"id": "j", "prompt": "a shirt", "steps": 12, "method": "jano", "preset": "fast"}""")
            .Append("""{"id": "e", "prompt": "a shirt", "steps": 5}""").ToArray();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", lines);
        var one = temp.File("one");
        RunAll(Settings(manifest, one));
        var three = temp.File("three");
        var outcome = RunAll(Settings(manifest, three) with { BatchSize = 3 });
        Assert.That(outcome.Generated, Is.EqualTo(9));
        // On the CPU provider the default model's kernels give every image of a batch the bits it gets alone
        // (BatchedGenerationTests), so the folders must match byte for byte, index order included.
        BatchFolders.AssertIdentical(one, three);

        // Stopped after d3, the first item of the second group (d3–d5): its group was generated whole, so the
        // index already holds d3–d5 when the stop is seen; the rerun skips them and does the rest.
        var resumed = temp.File("resumed");
        using var stop = new CancellationTokenSource();
        var progress = new Inline(p => { if (p.Done == 4) stop.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => RunAll(Settings(manifest, resumed) with { BatchSize = 3 }, progress, stop.Token));
        Assert.That(AppendOnlyJsonl<BatchIndexEntry>.ReadAll(Path.Combine(resumed, BatchFiles.Index)).Select(e => e.Id), Is.EqualTo(new[] { "d0", "d1", "d2", "d3", "d4", "d5" }));
        var again = RunAll(Settings(manifest, resumed) with { BatchSize = 3 });
        Assert.That((again.Generated, again.Skipped), Is.EqualTo((3, 6)));
        BatchFolders.AssertIdentical(one, resumed);

        // A folder cut inside a group (d4, d5 not indexed): the rerun regenerates d3–d5 together and writes d4, d5 only.
        var cut = temp.File("cut");
        Directory.CreateDirectory(cut);
        foreach (var f in Directory.GetFiles(resumed)) File.Copy(f, Path.Combine(cut, Path.GetFileName(f)));
        var index = Path.Combine(cut, BatchFiles.Index);
        File.WriteAllLines(index, File.ReadAllLines(index).Take(4));
        foreach (var id in new[] { "d4", "d5", "d6", "j", "e" }) { File.Delete(Path.Combine(cut, id + ".png")); File.Delete(Path.Combine(cut, id + ".json")); }
        var d3 = File.GetLastWriteTimeUtc(Path.Combine(cut, "d3.png"));
        var fromCut = RunAll(Settings(manifest, cut) with { BatchSize = 3 });
        Assert.That((fromCut.Generated, fromCut.Skipped), Is.EqualTo((5, 4)));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(cut, "d3.png")), Is.EqualTo(d3), "the finished member of the group is not written again");
        BatchFolders.AssertIdentical(one, cut);
    }

    [Test]
    public void AJanoItemOfABatchedForwardNamesTheBatchInItsSidecar()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl",
            """{"id": "j1", "prompt": "a shirt", "seed": 1}""",
            """{"id": "j2", "prompt": "a sneaker", "seed": 2}""");
        var jano = new BatchDefaults { Steps = 12, Method = "jano", Preset = "fast" };
        var alone = temp.File("alone");
        RunAll(Settings(manifest, alone, jano));
        var batched = temp.File("batched");
        RunAll(Settings(manifest, batched, jano) with { BatchSize = 2 });
        foreach (var id in new[] { "j1", "j2" })
        {
            using var a = JsonDocument.Parse(File.ReadAllText(Path.Combine(alone, id + ".json")));
            using var b = JsonDocument.Parse(File.ReadAllText(Path.Combine(batched, id + ".json")));
            Assert.That(a.RootElement.TryGetProperty("janoUnionOf", out _), Is.False, "ran alone");
            Assert.That(b.RootElement.GetProperty("janoUnionOf").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "j1", "j2" }));
            Assert.That(b.RootElement.GetProperty("method").GetString(), Is.EqualTo("jano"));
        }
    }

    [Test]
    public void GroupsAreConsecutiveItemsThatCanShareAForward()
    {
        // Items that share a forward have the same letter; k = 3.
        var items = "aaaaabbaccc".Select(c => c.ToString()).ToList();
        var groups = BatchGroups.Form(items, 3, (group, next) => group[0] == next).Select(g => string.Concat(g)).ToList();
        Assert.That(groups, Is.EqualTo(new[] { "aaa", "aa", "bb", "a", "ccc" }));
        Assert.That(BatchGroups.Form(items, 1, (_, _) => true).Count(), Is.EqualTo(items.Count));
    }

    /// <summary>Progress reported on the calling thread (Progress&lt;T&gt; posts to the thread pool, too late to stop at an item).</summary>
    private sealed class Inline(Action<BatchProgress> report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => report(value);
    }
}
