using System.Diagnostics;
using Jano.Runtime.Batch;
using Jano.Tests.Runtime.Batch;

namespace Jano.Tests.Cli.Batch;

/// <summary>
/// Crash-safe resume, end to end: the real `jano batch` process is killed (SIGKILL, the whole process
/// tree) at random moments, at least five times, and rerun until it finishes; the folder must then hold
/// exactly the files, with exactly the bytes, of a run that was never interrupted — images, sidecars,
/// state, errors.jsonl and index.jsonl included (the index lists items in manifest order however often
/// the run was stopped, so it is identical, not merely equal after sorting).
/// </summary>
[TestFixture]
public sealed class BatchKillResumeTests
{
    private const int Kills = 5;

    private static string[] Manifest()
    {
        var clothes = new[] { "an ankle boot", "a bag", "a dress", "a shirt", "a sneaker", "a sandal", "a coat", "a pullover" };
        var lines = new List<string>();
        for (var i = 0; i < 16; i++) lines.Add($$"""{"id": "dense-{{i:00}}", "prompt": "{{clothes[i % clothes.Length]}}", "steps": 3, "method": "dense"}""");
        for (var i = 0; i < 4; i++) lines.Add($$"""{"prompt": "{{clothes[i]}}", "seed": {{500 + i}}, "steps": 12, "method": "jano", "preset": "fast"}""");
        return lines.ToArray();
    }

    private static string[] Args(string manifest, string output) => ["batch", manifest, "--out", output, "--threads", "1", "--seed", "40"];

    [Test]
    public void KilledAtRandomMomentsTheRerunsLeaveTheBytesOfAnUninterruptedRun()
    {
        using var temp = new TempFolder();
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", Manifest());
        var whole = temp.File("whole");
        var clock = Stopwatch.StartNew();
        var reference = JanoProcess.Run(Args(manifest, whole), TimeSpan.FromMinutes(10));
        var wholeMs = clock.Elapsed.TotalMilliseconds;
        Assert.That(reference.Code, Is.EqualTo(0), reference.Err);

        // Each round waits until 0, 1 or 2 more items are indexed (0: the kill lands in start-up, the
        // manifest check or the first item), then a random part of an item's time more, so kills land
        // mid-item, between an image and its sidecar, or between the pair and its index line. A round
        // advances at most about three items, so five rounds cannot finish the twenty.
        var itemMs = MsPerImage(reference.Out);
        var seed = TestContext.CurrentContext.Random.Next();
        var random = new Random(seed);
        var killed = temp.File("killed");
        var history = new List<string>();
        for (var kill = 1; kill <= Kills; kill++)
        {
            var before = Done(killed);
            var more = random.Next(0, 3);
            var extra = TimeSpan.FromMilliseconds(random.NextDouble() * itemMs);
            using var run = JanoProcess.Start(Args(manifest, killed));
            var deadline = Stopwatch.StartNew();
            while (Done(killed) < before + more && !run.Process.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(5)) Thread.Sleep(10);
            if (run.Process.WaitForExit(extra))
            {
                run.Process.WaitForExit();
                Assert.Fail($"the batch finished before kill {kill} (seed {seed}, exit {run.Process.ExitCode}); history: {string.Join("; ", history)}; stderr: {run.Err}");
            }
            run.Process.Kill(entireProcessTree: true);
            run.Process.WaitForExit();
            history.Add($"kill {kill} after {more} more item(s) + {extra.TotalMilliseconds:F0} ms: {Done(killed)} indexed, {Unindexed(killed)} image(s) not yet indexed, {Temporaries(killed)} temporaries");
        }
        TestContext.Out.WriteLine($"seed {seed}; uninterrupted run {wholeMs:F0} ms, {itemMs:F0} ms per image; {string.Join("; ", history)}");

        var finish = JanoProcess.Run(Args(manifest, killed), TimeSpan.FromMinutes(10));
        Assert.That(finish.Code, Is.EqualTo(0), finish.Err);
        Assert.That(finish.Out, Does.Contain($"{Manifest().Length} items"));
        BatchFolders.AssertIdentical(whole, killed);
    }

    /// <summary>The "N s/image" of the summary line.</summary>
    private static double MsPerImage(string stdout)
    {
        var m = System.Text.RegularExpressions.Regex.Match(stdout, @"([0-9.]+) s/image");
        Assert.That(m.Success, Is.True, stdout);
        return 1000 * double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int Unindexed(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*.png").Length - Done(folder) : 0;

    private static int Temporaries(string folder) => Directory.Exists(folder) ? Directory.GetFiles(folder, ".*.tmp").Length : 0;

    private static int Done(string folder)
    {
        var index = Path.Combine(folder, BatchFiles.Index);
        return File.Exists(index) ? AppendOnlyJsonl<BatchIndexEntry>.ReadAll(index).Count : 0;
    }
}
