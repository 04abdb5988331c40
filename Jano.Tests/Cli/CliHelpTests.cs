namespace Jano.Tests.Cli;

/// <summary>`jano COMMAND --help` and `-h` print the command's usage and run nothing; more threads than cores are capped with a note.</summary>
[TestFixture]
public sealed class CliHelpTests
{
    [TestCase("generate", "--help")]
    [TestCase("generate", "-h")]
    [TestCase("export", "--help")]
    [TestCase("init-random", "-h")]
    [TestCase("info", "--help")]
    [TestCase("verify", "--help")]
    [TestCase("eval", "--help")]
    [TestCase("bench", "--help")]
    public void HelpPrintsTheUsageAndRunsNothing(string command, string flag)
    {
        var before = Directory.GetFiles(Directory.GetCurrentDirectory()).Length;
        var r = CliRunner.Run(command, flag);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.StartWith($"usage: jano {command}"));
        Assert.That(r.Err, Is.Empty);
        Assert.That(Directory.GetFiles(Directory.GetCurrentDirectory()), Has.Length.EqualTo(before), "nothing written (no image for a prompt '-h')");
    }

    [Test]
    public void MoreThreadsThanCoresAreCappedWithANote()
    {
        using var folder = new TempFolder();
        var r = CliRunner.Run("generate", "a coat", "--threads", "1000", "--dense", "--steps", "1", "--out", Path.Combine(folder.Path, "threads.png"));
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Err, Does.Contain($"note: 1000 threads asked for on {Environment.ProcessorCount} cores; using {Environment.ProcessorCount}"));
    }
}
