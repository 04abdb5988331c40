namespace Jano.Tests.Cli;

/// <summary>
/// The command line refused before any work: each case exits 2 with one line that names the command and the
/// flag (or argument) and says what is allowed, prints no stack trace, and writes nothing. The parser never
/// takes a flag for a value or a value for a flag. None of these load a model (no --model is needed).
/// </summary>
[TestFixture]
public sealed class CliParserTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void Create() => _folder = new TempFolder();

    [TearDown]
    public void Cleanup() => _folder.Dispose();

    private string Png => Path.Combine(_folder.Path, "out.png");

    private void AssertRefused(string[] args, params string[] fragments)
    {
        var r = CliRunner.Run(args);
        Assert.That(r.Code, Is.EqualTo(2), $"exit code; stderr: {r.Err}");
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.StartWith($"jano {args[0]}: "));
        foreach (var f in fragments) Assert.That(lines[0], Does.Contain(f));
        Assert.That(r.Err, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(r.Out, Is.Empty);
        Assert.That(Directory.EnumerateFileSystemEntries(_folder.Path), Is.Empty, "nothing written");
    }

    // Numbers out of range or not numbers: the flag, the value and the range.
    [TestCase("--steps", "0", "--steps must be a whole number from 1 to 10000, got '0'")]
    [TestCase("--steps", "10001", "from 1 to 10000, got '10001'")]
    [TestCase("--steps", "2.5", "--steps must be a whole number")]
    [TestCase("--steps", "ten", "got 'ten'")]
    [TestCase("--count", "0", "--count must be a whole number from 1 to 1024")]
    [TestCase("--count", "2000", "--count")]
    [TestCase("--scale", "65", "--scale must be a whole number from 1 to 64")]
    [TestCase("--threads", "-1", "--threads must be a whole number from 0 to 4096")]
    [TestCase("--seed", "-1", "--seed must be a whole number from 0")]
    [TestCase("--seed", "99999999999999999999", "--seed must be a whole number from 0 to 9223372036854774783, got '99999999999999999999'")]
    [TestCase("--seed", "1e3", "--seed")]
    [TestCase("--guidance", "NaN", "--guidance must be a finite number from 0 to 1000, got 'NaN'")]
    [TestCase("--guidance", "Infinity", "got 'Infinity'")]
    [TestCase("--guidance", "-0.5", "--guidance must be a finite number from 0 to 1000")]
    [TestCase("--guidance", "1,5", "got '1,5'")]
    [TestCase("--true-cfg", "0.5", "--true-cfg must be a finite number from 1 to 1000")]
    [TestCase("--static-threshold", "-0.5", "--static-threshold must be a finite number from 0 to 1, got '-0.5'")]
    [TestCase("--medium-threshold", "2", "--medium-threshold must be a finite number from 0 to 1, got '2'")]
    [TestCase("--t-weight", "1.5", "--t-weight")]
    [TestCase("--d-strength", "-1", "--d-strength must be a finite number ≥ 0")]
    [TestCase("--d-distance", "0", "--d-distance must be a finite number > 0")]
    [TestCase("--warmup", "0", "--warmup must be a whole number from 1 to 10000")]
    [TestCase("--cooldown", "-1", "--cooldown")]
    [TestCase("--static-interval", "0", "--static-interval must be a whole number from 1")]
    [TestCase("--medium-interval", "0", "--medium-interval")]
    [TestCase("--block", "2", "--block must be HxW")]
    [TestCase("--block", "0x2", "--block must be HxW with whole numbers from 1 to 16384, got '0x2'")]
    [TestCase("--size", "96", "--size must be WIDTHxHEIGHT")]
    [TestCase("--size", "-96x64", "got '-96x64'")]
    [TestCase("--size", "96x64x3", "--size")]
    [TestCase("--provider", "gpu", "--provider must be auto, cpu or cuda, got 'gpu'")]
    [TestCase("--attention", "flash", "--attention must be ort or kernel, got 'flash'")]
    public void GenerateRefusesAValueOutsideItsRange(string flag, string value, string expected) =>
        AssertRefused(["generate", "a coat", flag, value, "--out", Png], expected);

    [TestCase("--model", "")]
    [TestCase("--model", "   ")]
    [TestCase("--out", "")]
    [TestCase("--jano-preset", "")]
    [TestCase("--save-maps", "")]
    public void GenerateRefusesAnEmptyPathOrName(string flag, string value) =>
        AssertRefused(["generate", "a coat", flag, value], $"{flag} is empty");

    // A forgotten value never swallows the next flag.
    [TestCase("--model", "--seed")]
    [TestCase("--out", "--steps")]
    [TestCase("--negative", "--dense")]
    [TestCase("--jano-preset", "--warmup")]
    [TestCase("--steps", "--seed")]
    [TestCase("--guidance", "-h")]
    public void AValueThatIsAnOptionIsRefusedNamingBoth(string flag, string next) =>
        AssertRefused(["generate", "a coat", flag, next, "3"], $"{flag} needs a value, but '{next}' is an option");

    [TestCase("--steps")]
    [TestCase("--model")]
    [TestCase("--out")]
    public void AFlagAtTheEndWithoutItsValueIsRefused(string flag) =>
        AssertRefused(["generate", "a coat", flag], flag);

    [Test]
    public void AFlagGivenTwiceIsRefused() =>
        AssertRefused(["generate", "a coat", "--steps", "2", "--steps", "3"], "--steps", "single argument");

    [Test]
    public void AMisspeltFlagIsNamed() =>
        AssertRefused(["generate", "a coat", "--stpes", "2"], "--stpes");

    [Test]
    public void ASecondPromptIsNamed() =>
        AssertRefused(["generate", "a coat", "a shirt"], "a shirt");

    [Test]
    public void AMissingPromptIsNamed() =>
        AssertRefused(["generate", "--steps", "2"], "PROMPT");

    [Test]
    public void AnUnknownCommandIsNamed()
    {
        var r = CliRunner.Run("genrate", "a coat");
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Err, Does.Contain("genrate"));
    }

    [Test]
    public void DenseWithJanoOptionsIsRefused() =>
        AssertRefused(["generate", "a coat", "--dense", "--static-threshold", "0.3", "--out", Png], "--dense cannot be combined with Jano options");

    [Test]
    public void APromptThatLooksLikeAFlagGoesAfterTheSeparator()
    {
        // `-h` is help (nothing generated); after `--` it is the prompt, and the model path is then checked.
        var help = CliRunner.Run("generate", "-h");
        Assert.That(help.Code, Is.EqualTo(0));
        Assert.That(help.Out, Does.StartWith("Description:"));
        var r = CliRunner.Run("generate", "--model", Path.Combine(_folder.Path, "nowhere"), "--out", Png, "--", "-h");
        Assert.That(r.Code, Is.EqualTo(1), r.Err);
        Assert.That(r.Err, Does.Contain("nowhere"));
        Assert.That(File.Exists(Png), Is.False);
    }

    [TestCase("--seeds", "0", "--seeds must be a whole number from 1 to 1000")]
    [TestCase("--repeats", "0", "--repeats must be a whole number from 1 to 1000")]
    [TestCase("--warmup-runs", "-1", "--warmup-runs")]
    [TestCase("--forced-active", "1.5", "--forced-active must be a finite number from 0 to 1")]
    [TestCase("--provider", "tpu", "--provider must be auto, cpu or cuda")]
    [TestCase("--out", "", "--out is empty")]
    [TestCase("--summary", "", "--summary is empty")]
    public void BenchRefusesAValueOutsideItsRange(string flag, string value, string expected) =>
        AssertRefused(["bench", flag, value], expected);

    [Test]
    public void BenchTakesNoDenseFlag() => AssertRefused(["bench", "--dense"], "--dense");

    [Test]
    public void BenchTakesThePackageByEitherName() =>
        AssertRefused(["bench", "--package", "a", "--model", "b"], "single argument");

    [TestCase("--dtype", "fp8", "--dtype must be fp32 or fp16, got 'fp8'")]
    [TestCase("--sampler", "euler", "--sampler must be flow-euler or ddim, got 'euler'")]
    [TestCase("--steps", "0", "--steps must be a whole number from 1 to 10000")]
    [TestCase("--guidance", "-1", "--guidance must be a finite number from 0 to 1000")]
    [TestCase("--shift", "0", "--shift must be a finite number > 0")]
    [TestCase("--max-sequence-length", "513", "--max-sequence-length must be a whole number from 1 to 512")]
    [TestCase("--size", "48", "--size must be HxW")]
    public void ExportRefusesAValueOutsideItsRange(string flag, string value, string expected) =>
        AssertRefused(["export", "--pipeline", _folder.Path, "--out", Path.Combine(_folder.Path, "pkg"), flag, value], expected);

    [Test]
    public void ExportNeedsItsOutFolder() => AssertRefused(["export", "--pipeline", "x"], "--out");

    [TestCase("--seeds", "0", "--seeds must be a whole number from 1 to 10000")]
    [TestCase("--k", "0", "--k must be a whole number from 1 to 1000")]
    [TestCase("--pca", "10000", "--pca must be a whole number from 1 to 784")]
    [TestCase("--data", "", "--data is empty")]
    public void EvalRefusesAValueOutsideItsRange(string flag, string value, string expected) =>
        AssertRefused(["eval", flag, value], expected);

    [TestCase("--tokens", "0", "--tokens must be a whole number from 1")]
    [TestCase("--text-tokens", "0", "--text-tokens must be a whole number from 1 to 100000")]
    public void InfoRefusesAValueOutsideItsRange(string flag, string value, string expected) =>
        AssertRefused(["info", _folder.Path, flag, value], expected);

    [Test]
    public void InitRandomNeedsItsOutFolder() => AssertRefused(["init-random", "--pipeline", "sd3"], "--out");

    [Test]
    public void InitRandomRefusesANegativeSeed() =>
        AssertRefused(["init-random", "--pipeline", "sd3", "--out", Path.Combine(_folder.Path, "p"), "--seed", "-3"], "--seed must be a whole number from 0");

    [Test]
    public void VerifyNeedsItsFolder() => AssertRefused(["verify"], "DIR");
}
