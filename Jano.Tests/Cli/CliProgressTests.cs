using Jano.Cli.CommandLine;

namespace Jano.Tests.Cli;

/// <summary>Progress lines: ETA from the rate so far, plain lines at most every interval when redirected, a bar on a terminal.</summary>
[TestFixture]
public sealed class CliProgressTests
{
    [Test]
    public void TheEtaIsTheRemainingWorkAtTheRateSoFar()
    {
        var progress = new CliProgress(new StringWriter(), interactive: false, "batch", "images");
        // 3 of 10 in 60 s: 3 images/min, 7 left → 140 s.
        Assert.That(progress.Line(3, 10, TimeSpan.FromSeconds(60), null), Is.EqualTo("batch 3/10 images, 3 images/min, ETA 2:20"));
        Assert.That(progress.Line(0, 10, TimeSpan.FromSeconds(5), null), Is.EqualTo("batch 0/10 images, ETA unknown"));
        Assert.That(progress.Line(10, 10, TimeSpan.FromSeconds(3725), "seed 9"), Is.EqualTo("batch 10/10 images, 0.2 images/min, done in 1:02:05 (seed 9)"));
    }

    [Test]
    public void RedirectedOutputGetsAPlainLineAtMostEveryIntervalAndTheLast()
    {
        var output = new StringWriter();
        var now = TimeSpan.Zero;
        var progress = new CliProgress(output, interactive: false, "eval", "items", () => now);
        for (var i = 1; i <= 100; i++)
        {
            now = TimeSpan.FromSeconds(i); // one item a second for 100 s
            progress.Report(i, 100);
        }
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The first item, then one line each 10 s (items 11, 21, ..., 91), then the end: 1 + 9 + 1.
        Assert.That(lines, Has.Length.EqualTo(11));
        Assert.That(lines[0], Does.StartWith("eval 1/100 items"));
        Assert.That(lines[1], Does.StartWith("eval 11/100 items"));
        Assert.That(lines[^1], Does.StartWith("eval 100/100 items").And.Contain("done in 1:40"));
        Assert.That(output.ToString(), Does.Not.Contain("\r").And.Not.Contain("#"));
    }

    [Test]
    public void ATerminalGetsOneBarRedrawnInPlace()
    {
        var output = new StringWriter();
        var now = TimeSpan.Zero;
        var progress = new CliProgress(output, interactive: true, "generate", "steps", () => now);
        for (var i = 1; i <= 4; i++) { now = TimeSpan.FromSeconds(i); progress.Report(i, 4); }
        var text = output.ToString();
        Assert.That(text.Count(c => c == '\r'), Is.EqualTo(4));
        Assert.That(text.Count(c => c == '\n'), Is.EqualTo(1), "a newline only at the end");
        Assert.That(text, Does.Contain("[##############..............] 2/4"));
    }
}
