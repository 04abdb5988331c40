using Jano.Runtime.Batch;

namespace Jano.Tests.Runtime.Batch;

public class BatchManifestTests
{
    private static IReadOnlyList<BatchItem> Parse(string text) => BatchManifest.Parse(text, "jobs.jsonl");

    private static string Refusal(string text)
    {
        var e = Assert.Throws<BatchManifestException>(() => Parse(text))!;
        Assert.That(e.Message, Does.Not.Contain('\n'), "one line");
        return e.Message;
    }

    [Test]
    public void EveryFieldIsRead()
    {
        var item = Parse("""{"id": "boot-1", "prompt": "an ankle boot", "negative": "blurry", "seed": 7, "steps": 30, "guidance": 4.5, "size": "64x32", "model": "pkg", "method": "jano", "preset": "fast"}""").Single();
        Assert.That(item, Is.EqualTo(new BatchItem
        {
            Id = "boot-1", Line = 1, Prompt = "an ankle boot", Negative = "blurry", Seed = 7, Steps = 30, Guidance = 4.5,
            Width = 64, Height = 32, Model = "pkg", Method = "jano", Preset = "fast",
        }));
    }

    [Test]
    public void BlankLinesAndCrLfAreAllowedAndLineNumbersCountThem()
    {
        var items = Parse("{\"prompt\": \"a bag\", \"id\": \"a\"}\r\n\r\n   \n{\"prompt\": \"a coat\", \"id\": \"b\"}\n");
        Assert.That(items.Select(i => (i.Id, i.Line)), Is.EqualTo(new[] { ("a", 1), ("b", 4) }));
    }

    [Test]
    public void ALineWithoutIdIsNamedByAHashOfItsContentNotItsPosition()
    {
        var a = Parse("{\"prompt\": \"a bag\", \"seed\": 3}").Single();
        var b = Parse("\n\n{ \"seed\" : 3 , \"prompt\":\"a bag\" }").Single();
        var c = Parse("{\"prompt\": \"a bag\", \"seed\": 4}").Single();
        Assert.That(a.IdIsHash, Is.True);
        Assert.That(a.Id, Does.Match("^h[0-9a-f]{16}$"));
        Assert.That(b.Id, Is.EqualTo(a.Id), "reformatted and moved: same id");
        Assert.That(c.Id, Is.Not.EqualTo(a.Id), "another seed: another id");
    }

    [Test]
    public void ARepeatedJobWithoutIdIsRefusedNamingBothLines() =>
        Assert.That(Refusal("{\"prompt\": \"a bag\"}\n{\"prompt\": \"a bag\"}"), Is.EqualTo("jobs.jsonl:2: repeats line 1 (the same job, no id); give each an id to generate both"));

    [Test]
    public void ARepeatedIdIsRefusedIgnoringCase() =>
        Assert.That(Refusal("{\"id\": \"Boot\", \"prompt\": \"a\"}\n{\"id\": \"boot\", \"prompt\": \"b\"}"), Does.StartWith("jobs.jsonl:2: id 'boot' is also the id of line 1"));

    [TestCase("{\"prompt\": \"a\", \"colour\": 1}", "jobs.jsonl:1: unknown field 'colour' (allowed: id, prompt, negative, seed, steps, guidance, size, model, method, preset)")]
    [TestCase("{\"seed\": 1}", "jobs.jsonl:1: has no 'prompt'; every job needs one")]
    [TestCase("{\"prompt\": \"   \"}", "jobs.jsonl:1: field 'prompt' is empty; describe the image (the empty caption is reserved for guidance)")]
    [TestCase("{\"prompt\": 5}", "jobs.jsonl:1: field 'prompt' is a number; it must be a string")]
    [TestCase("[\"a bag\"]", "jobs.jsonl:1: is a JSON array; each line must be one object such as {\"prompt\": \"an ankle boot\", \"seed\": 1}")]
    [TestCase("{\"prompt\": \"a\", \"seed\": -1}", "jobs.jsonl:1: field 'seed' is -1; it must be from 0 to 9223372036854775807")]
    [TestCase("{\"prompt\": \"a\", \"seed\": 1.5}", "jobs.jsonl:1: field 'seed' is 1.5; it must be a whole number from 0 to 9223372036854775807")]
    [TestCase("{\"prompt\": \"a\", \"seed\": 99999999999999999999}", "jobs.jsonl:1: field 'seed' is 99999999999999999999; it must be a whole number from 0 to 9223372036854775807")]
    [TestCase("{\"prompt\": \"a\", \"seed\": \"7\"}", "jobs.jsonl:1: field 'seed' is \"7\"; it must be a whole number from 0 to 9223372036854775807")]
    [TestCase("{\"prompt\": \"a\", \"steps\": 0}", "jobs.jsonl:1: field 'steps' is 0; it must be from 1 to 10000")]
    [TestCase("{\"prompt\": \"a\", \"guidance\": -2}", "jobs.jsonl:1: field 'guidance' is -2; it must be a finite number ≥ 0")]
    [TestCase("{\"prompt\": \"a\", \"guidance\": 1e999}", "jobs.jsonl:1: field 'guidance' is 1e999; it must be a finite number ≥ 0")]
    [TestCase("{\"prompt\": \"a\", \"size\": \"64\"}", "jobs.jsonl:1: field 'size' is '64'; it must be WIDTHxHEIGHT in pixels, each 1–16384 (e.g. \"1024x768\")")]
    [TestCase("{\"prompt\": \"a\", \"size\": \"0x64\"}", "jobs.jsonl:1: field 'size' is '0x64'; it must be WIDTHxHEIGHT in pixels, each 1–16384 (e.g. \"1024x768\")")]
    [TestCase("{\"prompt\": \"a\", \"size\": \"-8x64\"}", "jobs.jsonl:1: field 'size' is '-8x64'; it must be WIDTHxHEIGHT in pixels, each 1–16384 (e.g. \"1024x768\")")]
    [TestCase("{\"prompt\": \"a\", \"model\": \"\"}", "jobs.jsonl:1: field 'model' is empty; give a package folder or leave the field out for the batch's model")]
    [TestCase("{\"prompt\": \"a\", \"id\": \"../etc/x\"}", "jobs.jsonl:1: field 'id' is '../etc/x'; an id names files: 1–128 of A–Z a–z 0–9 . _ - and not starting with '.'")]
    [TestCase("{\"prompt\": \"a\", \"id\": \".hidden\"}", "jobs.jsonl:1: field 'id' is '.hidden'; an id names files: 1–128 of A–Z a–z 0–9 . _ - and not starting with '.'")]
    [TestCase("{\"prompt\": \"a\", \"id\": 12}", "jobs.jsonl:1: field 'id' is a number; it must be a string")]
    [TestCase("", "jobs.jsonl: has no jobs (one JSON object per line, each with at least a \"prompt\")")]
    public void ABadLineIsRefusedNamingLineAndField(string line, string message) =>
        Assert.That(Refusal(line), Is.EqualTo(message));

    [Test]
    public void TheFaultIsFoundOnTheLastLineBeforeAnythingRuns()
    {
        var lines = Enumerable.Range(0, 500).Select(i => $"{{\"id\": \"j{i}\", \"prompt\": \"a bag\"}}").Append("{\"id\": \"last\", \"prompt\": \"a bag\", \"steps\": -3}");
        Assert.That(Refusal(string.Join('\n', lines)), Is.EqualTo("jobs.jsonl:501: field 'steps' is -3; it must be from 1 to 10000"));
    }

    [Test]
    public void InvalidJsonAndARepeatedKeyAreRefusedOnOneLine()
    {
        Assert.That(Refusal("{\"prompt\": \"a\""), Does.StartWith("jobs.jsonl:1: is not valid JSON ("));
        Assert.That(Refusal("{\"prompt\": \"a\", \"prompt\": \"b\"}"), Does.StartWith("jobs.jsonl:1: is not valid JSON (").And.Contain("prompt"));
    }

    [Test]
    public void AFileThatIsNotUtf8OrIsAFolderIsRefusedNamingIt()
    {
        using var temp = new TempFolder();
        var path = temp.File("jobs.jsonl");
        File.WriteAllBytes(path, [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
        Assert.That(Assert.Throws<BatchManifestException>(() => BatchManifest.Read(path))!.Message, Is.EqualTo($"{path}: is not UTF-8 text"));
        Assert.That(Assert.Throws<BatchManifestException>(() => BatchManifest.Read(temp.Path))!.Message, Does.StartWith($"{temp.Path}: is a folder"));
        Assert.That(Assert.Throws<BatchManifestException>(() => BatchManifest.Read(temp.File("none.jsonl")))!.Message, Does.EndWith("none.jsonl: no such file"));
    }

    [Test]
    public void DefaultsFillWhatALineLeavesOutAndSeedsFollowThePosition()
    {
        var items = Parse("{\"id\": \"a\", \"prompt\": \"a bag\"}\n{\"id\": \"b\", \"prompt\": \"a coat\", \"seed\": 100, \"steps\": 9}");
        var defaults = new BatchDefaults { FirstSeed = 10, Steps = 25, Guidance = 4, Method = "jano", Negative = "x" };
        var a = items[0].WithDefaults(defaults, 0);
        var b = items[1].WithDefaults(defaults, 1);
        Assert.That((a.Seed, a.Steps, a.Guidance, a.Method, a.Negative), Is.EqualTo(((long?)10, (int?)25, (double?)4, "jano", "x")));
        Assert.That((b.Seed, b.Steps), Is.EqualTo(((long?)100, (int?)9)));
    }
}
