using Jano.Core.Acceleration;
using Jano.Runtime;
using Jano.Runtime.Acceleration;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Acceleration;

/// <summary>
/// Every accelerator on the tiny random PixArt package: with its skip disabled (threshold 0, interval 1,
/// ratio 1, every token active) it is dense to 1e-6; with its defaults it runs, reuses and reports.
/// </summary>
public sealed class MethodEquivalenceTests
{
    private TinyPixArt _model = null!;
    private TextToImagePipeline _pipeline = null!;
    private float[] _dense = null!;
    private int Tokens => _pipeline.Package.Manifest.Geometry.Tokens;

    private static readonly JanoOptions Small = new()
    {
        Warmup = 2, Cooldown = 1, StaticInterval = 4, MediumInterval = 2, BlockHeight = 2, BlockWidth = 2,
    };

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 31);
        _model.Export();
        _pipeline = TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Threads = 1 });
        _dense = _pipeline.Generate(Request()).Image;
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _pipeline.Dispose();
        _model.Dispose();
    }

    private static GenerationRequest Request(AccelerationMethod? method = null, JanoOptions? jano = null, TokenMask? mask = null, int steps = 10) =>
        new() { Prompt = "a pullover", Seed = 17, Steps = steps, Method = method, Jano = jano, ForcedMask = mask };

    private static AccelerationMethod M(string name, params (string Key, string Value)[] p) =>
        AccelerationMethods.Parse(name, p.ToDictionary(x => x.Key, x => x.Value));

    private static IEnumerable<TestCaseData> Disabled()
    {
        yield return new TestCaseData("dense", Array.Empty<string>()).SetName("dense");
        yield return new TestCaseData("steps-10", Array.Empty<string>()).SetName("steps-10 at 10 steps");
        yield return new TestCaseData("fora", new[] { "interval", "1" }).SetName("fora interval 1");
        yield return new TestCaseData("teacache", new[] { "threshold", "0", "coefficients", "1,0" }).SetName("teacache threshold 0");
        yield return new TestCaseData("taylorseer", new[] { "interval", "1" }).SetName("taylorseer interval 1");
        yield return new TestCaseData("toca", new[] { "ratio", "1" }).SetName("toca ratio 1");
        yield return new TestCaseData("toca", new[] { "interval", "1" }).SetName("toca interval 1");
    }

    [TestCaseSource(nameof(Disabled))]
    public void WithItsSkipDisabledEqualsDense(string name, string[] p)
    {
        var parameters = Enumerable.Range(0, p.Length / 2).Select(i => (p[2 * i], p[2 * i + 1])).ToArray();
        var result = _pipeline.Generate(Request(M(name, parameters)));
        Assert.That(TestData.MaxAbsDiff(result.Image, _dense), Is.LessThanOrEqualTo(1e-6));
        Assert.That(result.Acceleration!.Plans, Is.All.EqualTo(StepPlan.Compute(Tokens)));
        Assert.That(result.Acceleration.IdealSpeedup, Is.EqualTo(1.0).Within(1e-12));
    }

    [TestCase("jano")]
    [TestCase("jano+taylor")]
    [TestCase("jano+teacache")]
    public void JanoFamilyWithEveryTokenActiveEqualsDense(string name)
    {
        var method = name == "jano+teacache" ? M(name, ("threshold", "0"), ("coefficients", "1,0")) : M(name);
        var result = _pipeline.Generate(Request(method, Small, TokenMask.Forced(Tokens, 1, 0, seed: 2)));
        Assert.That(TestData.MaxAbsDiff(result.Image, _dense), Is.LessThanOrEqualTo(1e-6));
        Assert.That(result.Method, Is.EqualTo(name));
    }

    [Test]
    public void JanoMethodIsJanoAndReportsItsIdealSpeedup()
    {
        var mask = TokenMask.Forced(Tokens, 0.25, 0.25, seed: 6);
        var plain = _pipeline.Generate(Request(jano: Small, mask: mask));
        var method = _pipeline.Generate(Request(M("jano"), Small, mask));
        Assert.That(method.Image, Is.EqualTo(plain.Image));
        Assert.That(method.Acceleration!.IdealSpeedup, Is.EqualTo(plain.Jano!.IdealSpeedup).Within(1e-9));
    }

    [Test]
    public void JanoTaylorComputesWhatJanoComputesButChangesFrozenOutputs()
    {
        var mask = TokenMask.Forced(Tokens, 0.25, 0.25, seed: 6);
        var jano = _pipeline.Generate(Request(M("jano"), Small, mask));
        var taylor = _pipeline.Generate(Request(M("jano+taylor"), Small, mask));
        Assert.That(taylor.Jano!.TokensPerStep, Is.EqualTo(jano.Jano!.TokensPerStep));
        Assert.That(TestData.MaxAbsDiff(taylor.Image, jano.Image), Is.GreaterThan(0));
        Assert.That(taylor.Image.All(float.IsFinite));
    }

    [Test]
    public void JanoTaylorWithHorizonZeroIsPlainJano()
    {
        var mask = TokenMask.Forced(Tokens, 0.25, 0.25, seed: 6);
        var jano = _pipeline.Generate(Request(M("jano"), Small, mask));
        var held = _pipeline.Generate(Request(M("jano+taylor", ("horizon", "0")), Small, mask));
        Assert.That(held.Image, Is.EqualTo(jano.Image));
        var far = _pipeline.Generate(Request(M("jano+taylor", ("horizon", "1000")), Small, mask));
        var near = _pipeline.Generate(Request(M("jano+taylor", ("horizon", "1")), Small, mask));
        Assert.That(TestData.MaxAbsDiff(far.Image, near.Image), Is.GreaterThan(0), "a frozen stretch longer than one step forecasts past the horizon");
    }

    [Test]
    public void StepsKRunsKStepsAndCountsItsSpeedupAgainstTheRequestedSteps()
    {
        var result = _pipeline.Generate(Request(M("steps-5")));
        Assert.That(result.Steps, Is.EqualTo(5));
        Assert.That(result.Acceleration!.DenseSteps, Is.EqualTo(10));
        Assert.That(result.Acceleration.IdealSpeedup, Is.GreaterThan(1.8).And.LessThanOrEqualTo(2.0));
    }

    [Test]
    public void ForaReusesTheBlocksBetweenFullSteps()
    {
        var result = _pipeline.Generate(Request(M("fora", ("interval", "3"))));
        var kinds = result.Acceleration!.Plans.Select(p => p.Kind).ToArray();
        var expected = Enumerable.Range(1, 10).Select(s => (s - 1) % 3 == 0 ? StepKind.Compute : StepKind.ReuseBlocks).ToArray();
        Assert.That(kinds, Is.EqualTo(expected));
        Assert.That(result.Acceleration.IdealSpeedup, Is.GreaterThan(2.0));
        Assert.That(TestData.MaxAbsDiff(result.Image, _dense), Is.GreaterThan(0));
        Assert.That(result.Image.All(float.IsFinite));
    }

    [Test]
    public void TeaCacheReusesWhileTheRescaledChangeStaysUnderTheThreshold()
    {
        // A polynomial of 0.1 everywhere: the sum reaches 0.25 on the third observation after a computed step.
        var result = _pipeline.Generate(Request(M("teacache", ("threshold", "0.25"), ("coefficients", "0.1"))));
        var kinds = result.Acceleration!.Plans.Select(p => p.Kind == StepKind.Compute ? 'C' : 'R');
        Assert.That(string.Concat(kinds), Is.EqualTo("CRRCRRCRRC"));
        Assert.That(result.Image.All(float.IsFinite));
    }

    [Test]
    public void TaylorSeerForecastsBetweenFullSteps()
    {
        var result = _pipeline.Generate(Request(M("taylorseer", ("interval", "3"), ("order", "2"))));
        Assert.That(result.Acceleration!.ComputedSteps, Is.EqualTo(4));
        Assert.That(result.Acceleration.Plans.Count(p => p.Kind == StepKind.Forecast), Is.EqualTo(6));
        Assert.That(result.Image.All(float.IsFinite));
    }

    [Test]
    public void TocaComputesExactlyItsShareOfTokensOnPartialSteps()
    {
        var result = _pipeline.Generate(Request(M("toca", ("ratio", "0.25"), ("interval", "3"))));
        var expected = Enumerable.Range(1, 10).Select(s => (s - 1) % 3 == 0 ? Tokens : TocaPolicy.SelectedCount(Tokens, 0.25)).ToArray();
        Assert.That(result.Acceleration!.Plans.Select(p => p.Tokens), Is.EqualTo(expected));
        Assert.That(expected[1], Is.EqualTo(Tokens / 4));
        Assert.That(result.Image.All(float.IsFinite));
    }

    [Test]
    public void TeaCacheWithoutCoefficientsNamesThePackageField()
    {
        var e = Assert.Throws<ArgumentException>(() => _pipeline.Generate(Request(M("teacache"))));
        Assert.That(e!.Message, Does.Contain("acceleration.teaCache.coefficients"));
    }
}
