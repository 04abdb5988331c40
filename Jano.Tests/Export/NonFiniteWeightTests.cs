using Jano.Export;
using Jano.Export.Checkpoints;
using Jano.Export.PixArt;
using Jano.Tests.Export.Checkpoints;

namespace Jano.Tests.Export;

/// <summary>
/// Export refuses weights a package cannot hold as numbers (NaN, ±Inf, beyond ±1e20, beyond float16's
/// range at float16) in one line naming the file, the first tensor and the counts, and leaves nothing
/// behind; ExportOptions.AllowNonFinite writes them with a note.
/// </summary>
[TestFixture]
public sealed class NonFiniteWeightTests
{
    private const string Bias = "proj_out.bias";
    private const string Weight = "transformer_blocks.0.attn1.to_q.weight";

    private static ExportOptions Options(List<string>? log = null, string dtype = "float32", bool allow = false) =>
        new() { Sampler = "flow-euler", DType = dtype, AllowNonFinite = allow, Log = log is null ? null : log.Add };

    /// <summary>The package folder was never created and no hidden work folder stayed beside it.</summary>
    private static void AssertNothingLeftBehind(TinyPixArt model)
    {
        Assert.That(Directory.Exists(model.Package), Is.False, "no package");
        Assert.That(Directory.EnumerateFileSystemEntries(model.Folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "checkpoint" }), "no temporaries");
    }

    private static string Refusal(TinyPixArt model, ExportOptions options)
    {
        var e = Assert.Throws<CheckpointException>(() => PixArtExporter.Export(model.Checkpoint, model.Package, options))!;
        Assert.That(e.Message, Does.Not.Contain("\n"));
        AssertNothingLeftBehind(model);
        return e.Message;
    }

    [TestCase(float.NaN, "1 NaN")]
    [TestCase(float.PositiveInfinity, "1 +Inf")]
    [TestCase(float.NegativeInfinity, "1 -Inf")]
    public void ANonFiniteWeightIsRefusedNamingFileTensorAndCount(float value, string kind)
    {
        using var model = new TinyPixArt();
        var tensors = PoisonedCheckpoint.Poison(model.Checkpoint, (Bias, 1, value));
        var message = Refusal(model, Options());
        Assert.That(message, Does.Contain(PoisonedCheckpoint.FileName));
        Assert.That(message, Does.Contain($"tensor '{Bias}' has 1 non-finite or out-of-range value(s) ({kind}; the first, {kind[2..]} at element 1)"));
        Assert.That(message, Does.Contain($"1 of {tensors} tensors have such values, 1 in all"));
        Assert.That(message, Does.Contain("--allow-nonfinite"));
    }

    [Test]
    public void TheRefusalCountsEveryAffectedTensorOfTheCheckpoint()
    {
        using var model = new TinyPixArt();
        var tensors = PoisonedCheckpoint.Poison(model.Checkpoint,
            (Weight, 0, float.NaN), (Weight, 3, float.NaN), (Weight, 5, float.PositiveInfinity), (Bias, 0, float.NegativeInfinity), (Bias, 1, float.NaN));
        var message = Refusal(model, Options());
        // The first tensor the exporter converts is named; the unread rest are counted.
        Assert.That(message, Does.Match(@"tensor '[^']+' has \d+ non-finite"));
        Assert.That(message, Does.Contain($"2 of {tensors} tensors have such values, 5 in all"));
    }

    [Test]
    public void AWeightNearFloatMaxIsRefusedAtFloat32()
    {
        using var model = new TinyPixArt();
        PoisonedCheckpoint.Poison(model.Checkpoint, (Bias, 0, 3e38f));
        Assert.That(Refusal(model, Options()), Does.Contain("(1 beyond ±1e20; the first, 3.00000001E+38 at element 0)"));
    }

    [Test]
    public void AllowNonFiniteWritesThePackageWithANote()
    {
        using var model = new TinyPixArt();
        PoisonedCheckpoint.Poison(model.Checkpoint, (Bias, 1, float.NaN));
        var log = new List<string>();
        PixArtExporter.Export(model.Checkpoint, model.Package, Options(log, allow: true));
        Assert.That(File.Exists(model.PackageFile("jano-model.json")));
        Assert.That(log.Where(l => l.StartsWith("note:", StringComparison.Ordinal)), Has.One.Contains($"tensor '{Bias}' has 1 non-finite or out-of-range value(s) (1 NaN; the first, NaN at element 1)"));
    }

    [Test]
    public void AWeightBeyondFloat16sRangeIsRefusedAtFloat16Only()
    {
        using var model = new TinyPixArt();
        PoisonedCheckpoint.Poison(model.Checkpoint, (Bias, 0, 70000f));
        var message = Refusal(model, Options(dtype: "float16"));
        Assert.That(message, Does.Contain($"tensor '{Bias}'"));
        Assert.That(message, Does.Contain("1 beyond float16's range"));
        Assert.That(message, Does.Contain("a float16 package cannot hold them (export at float32)"));
        PixArtExporter.Export(model.Checkpoint, model.Package, Options()); // float32 holds 70000
        Assert.That(File.Exists(model.PackageFile("jano-model.json")));
    }

    [Test]
    public void TheLargestFiniteHalfIsAccepted()
    {
        Assert.That(WeightScan.Of([65504f, -65504f, 65519f], WeightScan.Float16Limit).Count, Is.Zero);
        Assert.That(WeightScan.Of([65520f], WeightScan.Float16Limit).BeyondLimit, Is.EqualTo(1));
        Assert.That(float.IsInfinity((float)(Half)65520f), "65520 is where a half becomes infinite");
        Assert.That(float.IsFinite((float)(Half)65519f));
    }

    [TestCase(0, null, "DefaultSteps (--steps) is 0")]
    [TestCase(10_001, null, "DefaultSteps (--steps) is 10001")]
    [TestCase(null, -1.0, "DefaultGuidance (--guidance) is -1")]
    [TestCase(null, double.NaN, "DefaultGuidance (--guidance) is NaN")]
    [TestCase(null, double.PositiveInfinity, "DefaultGuidance (--guidance) is Infinity")]
    public void NonsenseDefaultsAreRefusedBeforeAnythingIsRead(int? steps, double? guidance, string expected)
    {
        using var model = new TinyPixArt();
        var e = Assert.Throws<ExportException>(() => PixArtExporter.Export(model.Checkpoint, model.Package, Options() with { DefaultSteps = steps, DefaultGuidance = guidance }))!;
        Assert.That(e.Message, Does.Contain(expected));
        Assert.That(e.Message, Does.Not.Contain("\n"));
        AssertNothingLeftBehind(model);
    }

    [Test]
    public void TheBoundsOfTheDefaultsAreAccepted()
    {
        Assert.DoesNotThrow(() => new ExportOptions { DefaultSteps = 1, DefaultGuidance = 0 }.Validate());
        Assert.DoesNotThrow(() => new ExportOptions { DefaultSteps = 10_000, DefaultGuidance = 1 }.Validate());
    }
}
