using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Jano.Runtime.Batch;
using Jano.Tests.Runtime.Batch;

namespace Jano.Tests.Cli.Batch;

/// <summary>
/// deploy/slurm/jano-array.sbatch on a real Slurm: a single-node cluster (munged, slurmctld, slurmd from
/// Debian's slurm-wlm and munge) started by deploy/slurm/local-cluster.sh in a temporary folder, stopped at
/// the end. The node's two GPUs are stand-ins (this machine has none), so the script's --gres=gpu:1 is
/// scheduled as on a cluster and jano runs on the CPU. Where Slurm is not installed or does not start, the
/// tests are inconclusive with the reason, never passed.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class SlurmArrayTests
{
    private const int Items = 40;
    private const int Tasks = 4;
    private TempFolder _temp = null!;
    private string _cluster = null!;
    private string _clusterScript = null!;
    private string _sbatch = null!;
    private string _manifest = null!;
    private Dictionary<string, string> _environment = null!;

    private static readonly string[] BatchFlags = ["--steps", "6", "--method", "dense", "--threads", "1"];

    [OneTimeSetUp]
    public void StartCluster()
    {
        foreach (var tool in new[] { "munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel" })
            if (!ExternalCommand.Exists(tool)) Assert.Inconclusive($"Slurm is not installed here ({tool} is not on PATH; apt-get install slurm-wlm munge, as .ci/run does)");
        _clusterScript = ExternalCommand.RepositoryFile("deploy/slurm/local-cluster.sh");
        _sbatch = ExternalCommand.RepositoryFile("deploy/slurm/jano-array.sbatch");
        _temp = new TempFolder("jano-slurm");
        _cluster = _temp.File("cluster");
        var start = ExternalCommand.Run("bash", [_clusterScript, "start", _cluster, FreePort().ToString(), FreePort().ToString()], TimeSpan.FromMinutes(2));
        if (start.Code != 0) Assert.Inconclusive($"Slurm did not start here (local-cluster.sh exit {start.Code}): {Jano.Core.OneLine.Of(start.Err)}");
        _environment = new Dictionary<string, string>
        {
            ["SLURM_CONF"] = Path.Combine(_cluster, "slurm.conf"),
            ["JANO"] = $"dotnet {JanoProcess.Dll}",
        };
        _manifest = BatchFolders.Manifest(_temp, "jobs.jsonl", Enumerable.Range(0, Items)
            .Select(i => $$"""{"id": "item-{{i:00}}", "prompt": "{{new[] { "an ankle boot", "a bag", "a dress", "a coat" }[i % 4]}}"}""").ToArray());
    }

    [OneTimeTearDown]
    public void StopCluster()
    {
        if (_cluster is not null) ExternalCommand.Run("bash", [_clusterScript, "stop", _cluster], TimeSpan.FromMinutes(1));
        _temp?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private (int Code, string Out, string Err) Slurm(string program, params string[] args) =>
        ExternalCommand.Run(program, args, TimeSpan.FromMinutes(10), _environment, _temp.Path);

    private (int Code, string Out, string Err) Submit(string output, string array, bool wait, params string[] sbatchFlags) =>
        Slurm("sbatch", [.. sbatchFlags, .. wait ? new[] { "--wait" } : [], "--parsable", $"--array={array}", "-o", Path.Combine(_temp.Path, "slurm-%A_%a.out"),
            _sbatch, Jano.Cli.DefaultModel.Locate(), _manifest, output, .. BatchFlags]);

    private static string[] Shards(string output) => Enumerable.Range(0, Tasks).Select(i => Path.Combine(output, $"shard-{i}")).ToArray();

    private static IReadOnlyList<BatchIndexEntry> Index(string shard)
    {
        var path = Path.Combine(shard, BatchFiles.Index);
        return File.Exists(path) ? AppendOnlyJsonl<BatchIndexEntry>.ReadAll(path) : [];
    }

    private string SlurmLogs() => string.Join(" | ", Directory.GetFiles(_temp.Path, "slurm-*.out").Select(f => Path.GetFileName(f) + ": " + Jano.Core.OneLine.Of(File.ReadAllText(f))));

    private string Uninterrupted()
    {
        var output = _temp.File("whole");
        if (Directory.Exists(output)) return output;
        var r = Submit(output, $"0-{Tasks - 1}", wait: true);
        Assert.That(r.Code, Is.EqualTo(0), $"sbatch --wait: {r.Err} {SlurmLogs()}");
        return output;
    }

    [Test, Order(1)]
    public void AFourTaskArrayDoesEveryItemAndMergeFindsAllForty()
    {
        var output = Uninterrupted();
        var ids = Enumerable.Range(0, Items).Select(i => $"item-{i:00}").ToList();
        var shards = Shards(output);
        for (var s = 0; s < Tasks; s++)
            Assert.That(Index(shards[s]).Select(e => e.Id), Is.EqualTo(ids.Where(new ShardSpec(s, Tasks).Owns)), $"task {s} did the ids that hash to shard {s}, in manifest order");

        var merged = _temp.File("merged.jsonl");
        var merge = JanoProcess.Run(["batch", "merge", .. shards, "--index", merged], TimeSpan.FromMinutes(2));
        Assert.That(merge.Code, Is.EqualTo(0), merge.Out + merge.Err);
        Assert.That(merge.Out, Does.Contain($"4 folders of a batch in 4 shards: {Items} items done, 0 missing, 0 duplicated, 0 failed"));
        Assert.That(File.ReadAllLines(merged), Has.Length.EqualTo(Items));
    }

    [Test, Order(2)]
    public void AScancelledTaskResubmittedAloneResumesWithoutLoss()
    {
        var whole = Uninterrupted();
        var output = _temp.File("cancelled");
        var submit = Submit(output, $"0-{Tasks - 1}", wait: false);
        Assert.That(submit.Code, Is.EqualTo(0), submit.Err);
        var job = submit.Out.Trim().Split(';')[0];
        var shards = Shards(output);
        var owned = Enumerable.Range(0, Items).Count(i => new ShardSpec(1, Tasks).Owns($"item-{i:00}"));

        // Cancel task 1 once it has finished an item and before it finishes its shard.
        var clock = Stopwatch.StartNew();
        while (Index(shards[1]).Count < 1 && clock.Elapsed < TimeSpan.FromMinutes(5)) Thread.Sleep(20);
        var cancel = Slurm("scancel", $"{job}_1");
        Assert.That(cancel.Code, Is.EqualTo(0), cancel.Err);
        while (Slurm("squeue", "-h", "-j", job).Out.Trim().Length > 0 && clock.Elapsed < TimeSpan.FromMinutes(8)) Thread.Sleep(200);
        var doneBefore = Index(shards[1]).Count;
        if (doneBefore >= owned) Assert.Inconclusive($"task 1 finished all {owned} items before scancel reached it; nothing to resume");
        Assert.That(doneBefore, Is.GreaterThanOrEqualTo(1));

        var partial = JanoProcess.Run(["batch", "merge", .. shards], TimeSpan.FromMinutes(2));
        Assert.That(partial.Code, Is.EqualTo(3), partial.Out);
        Assert.That(partial.Out, Does.Contain($"{owned - doneBefore} missing"));

        // Resubmitted alone: an array of one task, so the shard count comes from JANO_SHARDS.
        var again = Submit(output, "1", wait: true, $"--export=ALL,JANO_SHARDS={Tasks}");
        Assert.That(again.Code, Is.EqualTo(0), $"{again.Err} {SlurmLogs()}");
        var log = File.ReadAllText(Path.Combine(_temp.Path, $"slurm-{again.Out.Trim().Split(';')[0]}_1.out"));
        Assert.That(log, Does.Contain($"{owned} items, {owned - doneBefore} generated, {doneBefore} already done, 0 failed"));

        var merge = JanoProcess.Run(["batch", "merge", .. shards], TimeSpan.FromMinutes(2));
        Assert.That(merge.Code, Is.EqualTo(0), merge.Out + merge.Err);
        Assert.That(merge.Out, Does.Contain($"{Items} items done, 0 missing, 0 duplicated"));
        // Nothing lost, nothing twice, and the same bytes as the array that was never cancelled.
        for (var s = 0; s < Tasks; s++) BatchFolders.AssertIdentical(Shards(whole)[s], shards[s]);
    }
}
