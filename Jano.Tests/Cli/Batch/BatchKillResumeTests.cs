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

    /// <param name="dense">Dense items (batchable); four Jano items follow, which run one at a time.</param>
    private static string[] Manifest(int dense)
    {
        var clothes = new[] { "an ankle boot", "a bag", "a dress", "a shirt", "a sneaker", "a sandal", "a coat", "a pullover" };
        var lines = new List<string>();
        for (var i = 0; i < dense; i++) lines.Add($$"""{"id": "dense-{{i:00}}", "prompt": "{{clothes[i % clothes.Length]}}", "steps": 3, "method": "dense"}""");
        for (var i = 0; i < 4; i++) lines.Add($$"""{"prompt": "{{clothes[i]}}", "seed": {{500 + i}}, "steps": 12, "method": "jano", "preset": "fast"}""");
        return lines.ToArray();
    }

    private static string[] Args(string manifest, string output, int batchSize) =>
        ["batch", manifest, "--out", output, "--threads", "1", "--seed", "40", "--batch-size", batchSize.ToString()];

    /// <param name="batchSize">With 3, dense items run three per forward and are indexed a group at a time; the manifest is longer so five rounds still cannot finish it.</param>
    [TestCase(1, 16)]
    [TestCase(3, 30)]
    public void KilledAtRandomMomentsTheRerunsLeaveTheBytesOfAnUninterruptedRun(int batchSize, int dense)
    {
        using var temp = new TempFolder();
        var lines = Manifest(dense);
        var manifest = BatchFolders.Manifest(temp, "jobs.jsonl", lines);
        var whole = temp.File("whole");
        var clock = Stopwatch.StartNew();
        var reference = JanoProcess.Run(Args(manifest, whole, batchSize), TimeSpan.FromMinutes(10));
        var wholeMs = clock.Elapsed.TotalMilliseconds;
        Assert.That(reference.Code, Is.EqualTo(0), reference.Err);

        // Kill 1 lands in start-up (a random moment of the first second: runtime, package, manifest check).
        // Each later round waits until the run has begun its items, then until 0, 1 or 2 more are indexed,
        // then a random part of an item's time more, so kills land mid-item, between an image and its
        // sidecar, or between the pair and its index line. A round advances at most about three items (one
        // group of three with --batch-size 3), so five rounds cannot finish the manifest.
        var itemMs = MsPerImage(reference.Out);
        var seed = TestContext.CurrentContext.Random.Next();
        var random = new Random(seed);
        var killed = temp.File("killed");
        var history = new List<string>();
        for (var kill = 1; kill <= Kills; kill++)
        {
            var before = Done(killed);
            var more = kill == 1 ? -1 : random.Next(0, 3);
            var extra = TimeSpan.FromMilliseconds(random.NextDouble() * (kill == 1 ? 1000 : itemMs));
            using var run = JanoProcess.Start(Args(manifest, killed, batchSize));
            var deadline = Stopwatch.StartNew();
            if (more >= 0)
                while ((!run.Err.Contains("batch: ") || Done(killed) < before + more) && !run.Process.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(5)) Thread.Sleep(10);
            if (run.Process.WaitForExit(extra))
            {
                run.Process.WaitForExit();
                Assert.Fail($"the batch finished before kill {kill} (seed {seed}, exit {run.Process.ExitCode}); history: {string.Join("; ", history)}; stderr: {run.Err}");
            }
            run.Process.Kill(entireProcessTree: true);
            run.Process.WaitForExit();
            history.Add($"kill {kill} {(more < 0 ? "in start-up" : $"after {more} more item(s)")} + {extra.TotalMilliseconds:F0} ms: {Done(killed)} indexed, {Unindexed(killed)} image(s) not yet indexed, {Temporaries(killed)} temporaries");
        }
        TestContext.Out.WriteLine($"seed {seed}; uninterrupted run {wholeMs:F0} ms, {itemMs:F0} ms per image; {string.Join("; ", history)}");

        var finish = JanoProcess.Run(Args(manifest, killed, batchSize), TimeSpan.FromMinutes(10));
        Assert.That(finish.Code, Is.EqualTo(0), finish.Err);
        Assert.That(finish.Out, Does.Contain($"{lines.Length} items"));
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
