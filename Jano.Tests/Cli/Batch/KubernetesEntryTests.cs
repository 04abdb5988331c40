using System.Text.RegularExpressions;
using Jano.Runtime.Batch;
using Jano.Tests.Runtime.Batch;

namespace Jano.Tests.Cli.Batch;

/// <summary>
/// The Kubernetes Indexed Job without a cluster (none is reachable here): the container's entry command,
/// deploy/k8s/entry.sh, run once per index with JOB_COMPLETION_INDEX set as Kubernetes sets it, then the
/// shards merged; and the Job manifest and the Dockerfile checked against each other and the script.
/// </summary>
[TestFixture]
public sealed class KubernetesEntryTests
{
    private const int Completions = 3;

    private static Dictionary<string, string> Environment(TempFolder temp, string manifest, int? index) =>
        new Dictionary<string, string>
        {
            ["JANO"] = $"dotnet {JanoProcess.Dll}",
            ["JANO_COMPLETIONS"] = Completions.ToString(),
            ["JANO_MANIFEST"] = manifest,
            ["JANO_OUT"] = temp.File("out"),
            ["JANO_PACKAGE"] = Jano.Cli.DefaultModel.Locate(),
        }.Concat(index is { } i ? [new KeyValuePair<string, string>("JOB_COMPLETION_INDEX", i.ToString())] : []).ToDictionary();

    [Test]
    public void EveryIndexRunsItsShardAndMergeFindsEveryItem()
    {
        using var temp = new TempFolder();
        var ids = Enumerable.Range(0, 9).Select(i => $"k{i}").ToList();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", ids.Select(id => $$"""{"id": "{{id}}", "prompt": "a sneaker"}""").ToArray());
        var entry = ExternalCommand.RepositoryFile("deploy/k8s/entry.sh");
        for (var i = 0; i < Completions; i++)
        {
            var r = ExternalCommand.Run("bash", [entry, "--steps", "2", "--method", "dense", "--threads", "1"], TimeSpan.FromMinutes(5), Environment(temp, manifest, i));
            Assert.That(r.Code, Is.EqualTo(0), r.Err);
            var shard = Path.Combine(temp.File("out"), $"shard-{i}");
            var state = BatchState.Read(shard)!;
            Assert.That((state.ShardIndex, state.ShardCount), Is.EqualTo((i, Completions)));
            Assert.That(AppendOnlyJsonl<BatchIndexEntry>.ReadAll(Path.Combine(shard, BatchFiles.Index)).Select(e => e.Id), Is.EqualTo(ids.Where(new ShardSpec(i, Completions).Owns)));
        }
        var folders = Enumerable.Range(0, Completions).Select(i => Path.Combine(temp.File("out"), $"shard-{i}"));
        var merge = JanoProcess.Run(["batch", "merge", .. folders], TimeSpan.FromMinutes(2));
        Assert.That(merge.Code, Is.EqualTo(0), merge.Out + merge.Err);
        Assert.That(merge.Out, Does.Contain($"in {Completions} shards: 9 items done, 0 missing, 0 duplicated"));
    }

    [Test]
    public void WithoutAnIndexTheEntryRefusesNamingTheVariable()
    {
        using var temp = new TempFolder();
        var entry = ExternalCommand.RepositoryFile("deploy/k8s/entry.sh");
        var r = ExternalCommand.Run("bash", [entry], TimeSpan.FromMinutes(1), Environment(temp, temp.File("jobs.jsonl"), index: null));
        Assert.That(r.Code, Is.Not.EqualTo(0));
        Assert.That(r.Err, Does.Contain("JOB_COMPLETION_INDEX").And.Contain("Indexed Job"));
        Assert.That(Directory.Exists(temp.File("out")), Is.False);
    }

    [Test]
    public void TheJobTheImageAndTheEntryAgree()
    {
        var job = File.ReadAllText(ExternalCommand.RepositoryFile("deploy/k8s/indexed-job.yaml"));
        var dockerfile = File.ReadAllText(ExternalCommand.RepositoryFile("deploy/docker/Dockerfile"));
        Assert.That(job, Does.Contain("completionMode: Indexed"));
        var completions = Regex.Match(job, @"^\s*completions:\s*(\d+)", RegexOptions.Multiline).Groups[1].Value;
        var passed = Regex.Match(job, @"name: JANO_COMPLETIONS\s+value:\s*""(\d+)""").Groups[1].Value;
        Assert.That(passed, Is.EqualTo(completions).And.Not.Empty, "the pod is told the Job's completions");
        Assert.That(job, Does.Contain("nvidia.com/gpu: 1"));
        Assert.That(dockerfile, Does.Contain("--self-contained true"));
        Assert.That(dockerfile, Does.Match(@"FROM \$\{CUDA_IMAGE\}").And.Match(@"ARG CUDA_IMAGE=nvidia/cuda:[0-9.]+-cudnn-runtime"));
        var entrypoint = Regex.Match(dockerfile, @"ENTRYPOINT \[""([^""]+)""\]").Groups[1].Value;
        Assert.That(dockerfile, Does.Contain($"COPY deploy/k8s/entry.sh {entrypoint}"), "the image runs the script the test runs");
        Assert.That(dockerfile, Does.Contain("ENV JANO=/opt/jano/jano"), "entry.sh's default CLI is the published one");
    }
}
