using System.Text.Json.Nodes;
using Jano.Core.Packages;
using Jano.Tests.Export;

namespace Jano.Tests.Core.Packages;

/// <summary>
/// Every manifest field the runtime uses is checked on open, each refusal one line naming the manifest
/// and the field, with the value and what is allowed.
/// </summary>
[TestFixture]
public sealed class ManifestFieldTests
{
    private TinyPixArt _model = null!;
    private string _original = "";

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(caption: 384);
        _model.Export();
        _original = File.ReadAllText(ManifestPath);
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    [TearDown]
    public void Restore() => File.WriteAllText(ManifestPath, _original);

    private string ManifestPath => _model.PackageFile(ModelManifest.FileName);

    private string RefusalAfter(Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(_original)!.AsObject();
        edit(root);
        File.WriteAllText(ManifestPath, root.ToJsonString());
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(_model.Package))!;
        Assert.That(e.Message, Does.StartWith(ManifestPath + ": "));
        Assert.That(e.Message, Does.Not.Contain("\n"));
        return e.Message;
    }

    [TestCase(0, "field 'defaults.steps' must be positive, found 0")]
    [TestCase(-3, "field 'defaults.steps' must be positive, found -3")]
    public void DefaultStepsMustBePositive(int steps, string expected) =>
        Assert.That(RefusalAfter(m => m["defaults"]!["steps"] = steps), Does.EndWith(expected));

    [TestCase(-0.5, "found -0.5")]
    [TestCase(-1e-9, "found -1E-09")]
    public void DefaultGuidanceMustBeFiniteAndNotNegative(double guidance, string expected)
    {
        var message = RefusalAfter(m => m["defaults"]!["guidance"] = guidance);
        Assert.That(message, Does.Contain("field 'defaults.guidance' must be a finite number ≥ 0"));
        Assert.That(message, Does.Contain(expected));
    }

    [Test]
    public void TheDefaultPresetMustBeOneOfThePackagesNamingTheFieldNotAFlag()
    {
        var message = RefusalAfter(m => m["defaultJanoPreset"] = "turbo");
        Assert.That(message, Does.Contain("field 'defaultJanoPreset' is 'turbo', which is not one of the package's presets (").And.Contain("fast"));
        Assert.That(message, Does.Not.Contain("--jano-preset"));
    }

    [TestCase("staticThreshold", -0.5, "must be in [0, 1] (scores are normalised to it), got -0.5")]
    [TestCase("mediumThreshold", 2.0, "must be in [0, 1] (scores are normalised to it), got 2")]
    [TestCase("staticInterval", 0, "must be ≥ 1, got 0")]
    [TestCase("mediumInterval", -4, "must be ≥ 1, got -4")]
    [TestCase("tWeight", 1.5, "must be in [0, 1], got 1.5")]
    [TestCase("warmup", 1, "must be at least 2 (the analysis compares stored steps), got 1")]
    [TestCase("dDistance", 0.0, "must be > 0, got 0")]
    public void EveryPresetValueIsCheckedByField(string field, double value, string expected)
    {
        var message = RefusalAfter(m => m["janoPresets"]!["fast"]![field] = field.EndsWith("Interval", StringComparison.Ordinal) || field == "warmup" ? JsonValue.Create((int)value) : JsonValue.Create(value));
        Assert.That(message, Does.EndWith($"field 'janoPresets.fast.{field}' {expected}"));
    }

    [Test]
    public void PresetThresholdsOutOfOrderAreRefused() =>
        Assert.That(RefusalAfter(m => { m["janoPresets"]!["fast"]!["staticThreshold"] = 0.7; m["janoPresets"]!["fast"]!["mediumThreshold"] = 0.5; }),
            Does.EndWith("field 'janoPresets.fast.staticThreshold' and mediumThreshold are out of order: static 0.7 must be ≤ medium 0.5"));

    [Test]
    public void ATextEncoderWidthThatContradictsTheTransformerIsRefused() =>
        Assert.That(RefusalAfter(m => m["components"]!["textEncoders"]![0]!["hiddenSize"] = 512),
            Does.EndWith("field 'components.textEncoders[0].hiddenSize' is 512, but the transformer takes 384-wide caption states (dims.captionChannels)"));
}
