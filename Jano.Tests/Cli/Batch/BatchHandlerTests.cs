using Jano.Cli.Batch;
using Jano.Runtime.Batch;
using Jano.Tests.Runtime.Batch;

namespace Jano.Tests.Cli.Batch;

/// <summary>`jano batch` and `jano batch merge` through their handlers, on the default model at two steps.</summary>
[TestFixture]
public sealed class BatchHandlerTests
{
    private static readonly string[] FourJobs =
    [
        """{"id": "a", "prompt": "an ankle boot"}""",
        """{"id": "b", "prompt": "a bag"}""",
        """{"id": "c", "prompt": "a dress"}""",
        """{"id": "d", "prompt": "a shirt"}""",
    ];

    private static BatchSettings Settings(string manifest, string output) => new()
    {
        Manifest = manifest, Out = output, Steps = 2, Method = "dense", Threads = 1,
    };

    private static (int Code, string Out, string Err) Run(BatchSettings s, Func<string, string?>? env = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = new BatchHandler(env ?? (_ => null)).Run(s, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static (int Code, string Out, string Err) Merge(BatchMergeSettings s)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = new BatchMergeHandler().Run(s, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static void AssertOneLine(string stderr, params string[] fragments)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), stderr);
        foreach (var f in fragments) Assert.That(lines[0], Does.Contain(f));
    }

    [Test]
    public void RunsTheManifestWithProgressAndASummary()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", FourJobs);
        var r = Run(Settings(manifest, temp.File("out")) with { Seed = 100 });
        Assert.That(r.Code, Is.EqualTo(BatchExitCodes.Done), r.Err);
        Assert.That(r.Out, Does.Contain("batch shard 0/1: 4 items, 4 generated, 0 already done, 0 failed").And.Contain("images/min"));
        Assert.That(r.Err, Does.Contain("batch [#####...............] 1/4").And.Contain("batch [####################] 4/4").And.Contain("ETA 0s"));
        var index = AppendOnlyJsonl<BatchIndexEntry>.ReadAll(Path.Combine(temp.File("out"), BatchFiles.Index));
        Assert.That(index.Select(e => e.Seed), Is.EqualTo(new long[] { 100, 101, 102, 103 }), "--seed plus the line's position");

        var again = Run(Settings(manifest, temp.File("out")) with { Seed = 100 });
        Assert.That(again.Out, Does.Contain("4 items, 0 generated, 4 already done"));
    }

    [Test]
    public void SomeFailedItemsEndWithExitCodeThree()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", FourJobs);
        Directory.CreateDirectory(Path.Combine(temp.File("out"), "c.png"));
        var r = Run(Settings(manifest, temp.File("out")));
        Assert.That(r.Code, Is.EqualTo(BatchExitCodes.Incomplete), r.Err);
        Assert.That(r.Err, Does.Contain("jano batch: 1 item failed; see").And.Contain(BatchFiles.Errors));
        Assert.That(r.Out, Does.Contain("3 generated, 0 already done, 1 failed"));
    }

    [Test]
    public void ABadLineIsOneLineNamingFileLineAndField()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", FourJobs[0], """{"id": "x", "prompt": "a coat", "steps": 0}""");
        var r = Run(Settings(manifest, temp.File("out")));
        Assert.That(r.Code, Is.EqualTo(BatchExitCodes.Refused));
        AssertOneLine(r.Err, "jano batch: ", "jobs.jsonl:2: field 'steps' is 0");
        Assert.That(Directory.Exists(temp.File("out")), Is.False);
    }

    [TestCase("--shard", "4/4", "--shard '4/4'")]
    [TestCase("--method", "taylor", "--method must be dense or jano, got 'taylor'")]
    [TestCase("--steps", "-1", "--steps must be from 1")]
    [TestCase("--completions", "0", "--completions must be ≥ 1")]
    public void BadFlagsAreOneLineNamingTheFlag(string flag, string value, string message)
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", FourJobs);
        var s = Settings(manifest, temp.File("out"));
        s = flag switch
        {
            "--shard" => s with { Shard = value },
            "--method" => s with { Method = value },
            "--steps" => s with { Steps = int.Parse(value) },
            _ => s with { Completions = int.Parse(value) },
        };
        var r = Run(s);
        Assert.That(r.Code, Is.EqualTo(BatchExitCodes.Usage));
        AssertOneLine(r.Err, message);
    }

    [Test]
    public void TheShardComesFromTheFlagThenSlurmThenKubernetes()
    {
        using var temp = new TempFolder();
        var s = Settings(temp.File("jobs.jsonl"), temp.File("out"));
        Func<string, string?> slurm = n => n switch { "SLURM_ARRAY_TASK_ID" => "3", "SLURM_ARRAY_TASK_COUNT" => "4", _ => null };
        Func<string, string?> k8s = n => n == "JOB_COMPLETION_INDEX" ? "2" : null;
        Assert.That(new BatchHandler(slurm).RunSettings(s).Shard, Is.EqualTo(new ShardSpec(3, 4)));
        Assert.That(new BatchHandler(slurm).RunSettings(s with { Shard = "1/2" }).Shard, Is.EqualTo(new ShardSpec(1, 2)), "the flag wins");
        Assert.That(new BatchHandler(k8s).RunSettings(s with { Completions = 5 }).Shard, Is.EqualTo(new ShardSpec(2, 5)));
        Assert.That(new BatchHandler(_ => null).RunSettings(s).Shard, Is.EqualTo(ShardSpec.Whole));
        var e = Assert.Throws<Jano.Cli.UsageException>(() => new BatchHandler(_ => null).RunSettings(s with { Completions = 5 }))!;
        Assert.That(e.Message, Does.Contain("JOB_COMPLETION_INDEX is not set"));
        e = Assert.Throws<Jano.Cli.UsageException>(() => new BatchHandler(k8s).RunSettings(s))!;
        Assert.That(e.Message, Does.Contain("--completions N"));
    }

    [Test]
    public void MergeFindsEveryItemOfTheShardsAndNamesAMissingShard()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", FourJobs);
        var folders = new[] { temp.File("s0"), temp.File("s1") };
        for (var i = 0; i < 2; i++)
            Assert.That(Run(Settings(manifest, folders[i]) with { Shard = $"{i}/2" }).Code, Is.EqualTo(0));
        var perShard = folders.Select(f => AppendOnlyJsonl<BatchIndexEntry>.ReadAll(Path.Combine(f, BatchFiles.Index)).Count).ToList();
        Assert.That(perShard.Sum(), Is.EqualTo(4));
        Assert.That(perShard, Is.EqualTo(new[] { 0, 1 }.Select(i => new[] { "a", "b", "c", "d" }.Count(new ShardSpec(i, 2).Owns))), "each shard owns the ids that hash to it");

        var merged = temp.File("merged.jsonl");
        var r = Merge(new BatchMergeSettings { Folders = folders, Index = merged });
        Assert.That(r.Code, Is.EqualTo(BatchExitCodes.Done), r.Out + r.Err);
        Assert.That(r.Out, Does.Contain("2 folders of a batch in 2 shards: 4 items done, 0 missing, 0 duplicated, 0 failed"));
        var lines = File.ReadAllLines(merged);
        Assert.That(lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()), Is.EqualTo(new[] { "a", "b", "c", "d" }), "manifest order");
        foreach (var l in lines)
            Assert.That(File.Exists(Path.Combine(temp.Path, System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("image").GetString()!)), l);

        var partial = Merge(new BatchMergeSettings { Folders = [folders[0]] });
        Assert.That(partial.Code, Is.EqualTo(BatchExitCodes.Incomplete));
        Assert.That(partial.Out, Does.Contain("missing shards (no folder given): 1"));

        var none = Merge(new BatchMergeSettings { Folders = [temp.File("nope")] });
        Assert.That(none.Code, Is.EqualTo(BatchExitCodes.Refused));
        AssertOneLine(none.Err, "jano batch merge: ", "nope: no such folder");
    }

    [Test]
    public void ProgressLineRateAndEtaAreFromTheItemsThisRunWorkedOn()
    {
        // 12 of 40 visited: 3 skipped, 1 failed, so 9 worked on in 18 s (2 s each) and 8 generated.
        var line = BatchProgressLine.Format(new BatchProgress(12, 40, 3, 1, "x", 2000), worked: 9, workedMs: 18_000);
        Assert.That(line, Is.EqualTo("batch [######..............] 12/40 (3 skipped, 1 failed) 26.7 images/min, ETA 56s"));
        Assert.That(BatchProgressLine.Format(new BatchProgress(5, 10, 5, 0, "x", 0), 0, 0), Is.EqualTo("batch [##########..........] 5/10 (5 skipped, 0 failed)"));
        Assert.That(BatchProgressLine.Duration(59_400), Is.EqualTo("59s"));
        Assert.That(BatchProgressLine.Duration(61_000), Is.EqualTo("1m01s"));
        Assert.That(BatchProgressLine.Duration(3 * 3_600_000 + 7 * 60_000), Is.EqualTo("3h07m"));
    }

    [Test]
    public void ALogGetsALineAPercentNotAnItem()
    {
        var log = new StringWriter();
        var progress = new BatchProgressLine(log, interactive: false);
        for (var done = 1; done <= 1000; done++) progress.Report(new BatchProgress(done, 1000, 0, 0, "x", 10));
        // One line for each percent from 0 (items 1–9) to 100.
        Assert.That(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(101));
    }
}
