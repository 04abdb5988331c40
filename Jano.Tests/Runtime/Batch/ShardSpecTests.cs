using Jano.Runtime.Batch;

namespace Jano.Tests.Runtime.Batch;

public class ShardSpecTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars)
    {
        var d = vars.ToDictionary(v => v.Key, v => v.Value);
        return k => d.GetValueOrDefault(k);
    }

    [Test]
    public void EveryIdBelongsToExactlyOneShardAndTheSplitIsEven()
    {
        var ids = Enumerable.Range(0, 4000).Select(i => $"item-{i}").ToList();
        var shards = Enumerable.Range(0, 4).Select(i => new ShardSpec(i, 4)).ToList();
        foreach (var id in ids) Assert.That(shards.Count(s => s.Owns(id)), Is.EqualTo(1), id);
        foreach (var s in shards)
            Assert.That(ids.Count(s.Owns), Is.InRange(900, 1100), $"shard {s}");
    }

    [Test]
    public void TheAssignmentIsSha256OfTheIdModuloTheCount()
    {
        // Independent oracle: SHA-256("a") = ca978112ca1bbdca...; its first 8 bytes big-endian mod 7.
        var first8 = Convert.ToUInt64("ca978112ca1bbdca", 16);
        Assert.That(ShardSpec.ShardOf("a", 7), Is.EqualTo((int)(first8 % 7)));
        Assert.That(ShardSpec.Whole.Owns("anything"), Is.True);
    }

    [TestCase("0/4", 0, 4)]
    [TestCase("3/4", 3, 4)]
    [TestCase("0/1", 0, 1)]
    public void ParsesIndexOverCount(string text, int index, int count) =>
        Assert.That(ShardSpec.Parse(text), Is.EqualTo(new ShardSpec(index, count)));

    [TestCase("4/4")]
    [TestCase("-1/4")]
    [TestCase("1/0")]
    [TestCase("1")]
    [TestCase("a/b")]
    [TestCase("1/2/3")]
    public void RefusesAShardOutsideItsCount(string text) =>
        Assert.That(Assert.Throws<ArgumentException>(() => ShardSpec.Parse(text))!.Message,
            Is.EqualTo($"--shard '{text}': must be INDEX/COUNT with 0 ≤ INDEX < COUNT, e.g. 0/4"));

    [Test]
    public void SlurmArraysGiveTheShardFromTaskIdAndCountOrRange()
    {
        Assert.That(ShardSpec.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4")), null), Is.EqualTo(new ShardSpec(2, 4)));
        Assert.That(ShardSpec.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "5"), ("SLURM_ARRAY_TASK_MIN", "3"), ("SLURM_ARRAY_TASK_MAX", "6")), null), Is.EqualTo(new ShardSpec(2, 4)));
        Assert.That(ShardSpec.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "4")), null), Is.EqualTo(new ShardSpec(3, 4)));
    }

    [Test]
    public void KubernetesIndexedJobsNeedTheCompletionsCount()
    {
        Assert.That(ShardSpec.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "1")), 3), Is.EqualTo(new ShardSpec(1, 3)));
        Assert.That(Assert.Throws<ArgumentException>(() => ShardSpec.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "1")), null))!.Message, Does.Contain("--completions N"));
        Assert.That(Assert.Throws<ArgumentException>(() => ShardSpec.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "3")), 3))!.Message, Is.EqualTo("JOB_COMPLETION_INDEX 3 is outside 0..2 (--completions 3)"));
    }

    [Test]
    public void NoEnvironmentMeansNoShardAndBadValuesAreNamed()
    {
        Assert.That(ShardSpec.FromEnvironment(Env(), null), Is.Null);
        Assert.That(Assert.Throws<ArgumentException>(() => ShardSpec.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "x"), ("SLURM_ARRAY_TASK_COUNT", "4")), null))!.Message, Is.EqualTo("SLURM_ARRAY_TASK_ID is 'x': must be a whole number ≥ 0"));
        Assert.That(Assert.Throws<ArgumentException>(() => ShardSpec.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "1")), null))!.Message, Does.Contain("neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX"));
        Assert.That(Assert.Throws<ArgumentException>(() => ShardSpec.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_COUNT", "4")), null))!.Message, Does.Contain("outside the array"));
        Assert.That(Assert.Throws<ArgumentException>(() => ShardSpec.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_STEP", "4")), null))!.Message, Does.StartWith("SLURM_ARRAY_TASK_STEP is 4"));
    }
}
