namespace Jano.Tests.Cli.Batch;

/// <summary>`jano batch` on the command line: its options' refusals are one line naming the flag.</summary>
[TestFixture]
public sealed class BatchCommandTests
{
    private static void AssertOneLine((int Code, string Out, string Err) r, int code, params string[] fragments)
    {
        Assert.That(r.Code, Is.EqualTo(code), r.Err);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), r.Err);
        foreach (var f in fragments) Assert.That(lines[0], Does.Contain(f));
    }

    [Test]
    public void OutIsRequired() => AssertOneLine(CliRunner.Run("batch", "jobs.jsonl"), 2, "jano batch:", "--out");

    [Test]
    public void ABadSizeNamesTheFlag() => AssertOneLine(CliRunner.Run("batch", "jobs.jsonl", "--out", "o", "--size", "32"), 2, "--size must be WIDTHxHEIGHT", "'32'");

    [Test]
    public void ABadMethodNamesTheChoices() => AssertOneLine(CliRunner.Run("batch", "jobs.jsonl", "--out", "o", "--method", "fast"), 2, "--method must be", "dense", "jano");

    [Test]
    public void AMissingManifestIsOneLine()
    {
        using var temp = new TempFolder();
        AssertOneLine(CliRunner.Run("batch", temp.File("none.jsonl"), "--out", temp.File("o")), 1, "jano batch:", "none.jsonl: no such file");
    }

    [Test]
    public void MergeNeedsFolders() => AssertOneLine(CliRunner.Run("batch", "merge"), 2, "jano batch merge:", "DIR");

    [Test]
    public void HelpListsTheMergeSubcommand()
    {
        var r = CliRunner.Run("batch", "--help");
        Assert.That(r.Code, Is.EqualTo(0));
        Assert.That(r.Out, Does.Contain("merge").And.Contain("--shard").And.Contain("--completions"));
    }
}
