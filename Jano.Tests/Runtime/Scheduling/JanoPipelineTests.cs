using Jano.Runtime.Engine;
using Jano.Core.Acceleration;
using Jano.Runtime;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Scheduling;

/// <summary>
/// Jano on the one dense/Jano code path of the engine, on a square package and on a non-square one
/// (48×32 latent pixels: 24×16 tokens) exported from the same kind of checkpoint with --size.
/// </summary>
[TestFixture(8, 8)]
[TestFixture(48, 32)]
public sealed class JanoPipelineTests(int latentHeight, int latentWidth)
{
    private TinyPixArt _model = null!;
    private TextToImagePipeline _pipeline = null!;
    private int Tokens => _pipeline.Package.Manifest.Geometry.Tokens;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 31);
        _model.Export(size: (latentHeight, latentWidth));
        _pipeline = TextToImagePipeline.Open(_model.Package, new RuntimeOptions { Threads = 1 });
        Assert.That((_pipeline.Package.Manifest.Geometry.Height, _pipeline.Package.Manifest.Geometry.Width), Is.EqualTo((latentHeight, latentWidth)));
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _pipeline.Dispose();
        _model.Dispose();
    }

    private static readonly JanoOptions Small = new()
    {
        Warmup = 2, Cooldown = 1, StaticInterval = 4, MediumInterval = 2, BlockHeight = 2, BlockWidth = 2,
    };

    private GenerationRequest Request(JanoOptions? jano = null, TokenMask? mask = null) =>
        new() { Prompt = "a pullover", Seed = 17, Steps = 10, Jano = jano, ForcedMask = mask };

    [Test]
    public void EveryTokenActiveEqualsDense()
    {
        var dense = _pipeline.Generate(Request()).Image;
        var jano = _pipeline.Generate(Request(Small, TokenMask.Forced(Tokens, 1, 0, seed: 2)));
        Assert.That(TestData.MaxAbsDiff(jano.Image, dense), Is.LessThanOrEqualTo(1e-6));
        Assert.That(jano.Jano!.TokensPerStep, Is.All.EqualTo(Tokens));
        Assert.That(jano.Jano.IdealSpeedup, Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void GenerationStartsInNaturalOrderWhateverTheEngineHeldBefore()
    {
        // A previous run may leave the engine in a permuted order; a new generation must not depend on it.
        var dense = _pipeline.Generate(Request()).Image;
        var shuffled = new TokenMask(Enumerable.Repeat(TokenLevel.Active, Tokens).ToArray());
        var perm = Enumerable.Range(0, Tokens).Reverse().ToArray();
        _pipeline.Engine.SetOrder(perm);
        var image = _pipeline.Generate(Request(Small, shuffled)).Image; // Generate starts in natural order again
        Assert.That(TestData.MaxAbsDiff(image, dense), Is.LessThanOrEqualTo(1e-6));
    }

    [Test]
    public void SkippedTokensKeepTheKeysAndValuesOfTheLastStepThatComputedThem()
    {
        var mask = TokenMask.Forced(Tokens, 0.25, 0.25, seed: 5);
        var previous = (float[]?)null;
        var previousOrder = (int[]?)null;
        var checkedSteps = 0;
        var result = _pipeline.Generate(Request(Small, mask), report =>
        {
            var engine = _pipeline.Engine;
            var order = engine.Order.ToArray();
            var keys = engine.Keys(1, 1).ToArray(); // unconditional branch, last layer
            var width = _model.Config.HiddenSize;
            if (previous is not null && report.Tokens < Tokens)
            {
                var rowBefore = new int[Tokens];
                for (var r = 0; r < Tokens; r++) rowBefore[previousOrder![r]] = r;
                for (var r = 0; r < Tokens; r++)
                {
                    var token = order[r];
                    var now = keys.AsSpan(r * width, width);
                    var before = previous.AsSpan(rowBefore[token] * width, width);
                    if (r >= report.Tokens)
                        Assert.That(now.SequenceEqual(before), $"step {report.Step}: skipped token {token} keeps its keys");
                    else
                        Assert.That(now.SequenceEqual(before), Is.False, $"step {report.Step}: computed token {token} has new keys");
                }
                checkedSteps++;
            }
            previous = keys;
            previousOrder = order;
        });
        Assert.That(checkedSteps, Is.GreaterThan(3), "several partial steps were checked");
        Assert.That(result.Jano!.TokensPerStep, Does.Contain(Tokens / 4).And.Contain(Tokens / 2));
    }

    [Test]
    public void PartialStepsComputeThePlannedPrefixesAndReportTheIdealSpeedup()
    {
        var mask = TokenMask.Forced(Tokens, 0.25, 0.25, seed: 6);
        var result = _pipeline.Generate(Request(Small, mask));
        var report = result.Jano!;
        var expected = JanoSchedule.Levels(10, Small).Select(l => mask.TokensFor(l)).ToArray();
        Assert.That(report.TokensPerStep, Is.EqualTo(expected));
        Assert.That(report.IdealSpeedup, Is.GreaterThan(1.3));
        Assert.That((report.ActiveFraction, report.MediumFraction, report.StaticFraction), Is.EqualTo((0.25, 0.25, 0.5)));
        Assert.That(result.Image.All(float.IsFinite));
    }

    [Test]
    public void PermutationRoundTripsThroughTheTokenLayout()
    {
        var layout = new TokenLayout(latentHeight, latentWidth, 2);
        int pixels = latentHeight * latentWidth, tokens = pixels / 4;
        var image = TestData.Normal(pixels, 8);
        var order = TokenMask.Forced(tokens, 0.3, 0.3, seed: 9).Order;
        var rows = new float[tokens * 4];
        layout.Gather(image, 1, order, tokens, rows);
        var back = new float[pixels];
        layout.Scatter(rows, 1, 1, order, back);
        Assert.That(back, Is.EqualTo(image));
    }

    [Test]
    public void ReorderingTheEngineCarriesCachedRowsAlong()
    {
        _pipeline.Generate(Request() with { Steps = 1 });
        var engine = _pipeline.Engine;
        var width = _model.Config.HiddenSize;
        var natural = engine.Keys(0, 0).ToArray();
        var order = TokenMask.Forced(Tokens, 0.5, 0, seed: 3).Order;
        engine.SetOrder(order);
        var permuted = engine.Keys(0, 0).ToArray();
        for (var r = 0; r < Tokens; r++)
            Assert.That(permuted.AsSpan(r * width, width).SequenceEqual(natural.AsSpan(order[r] * width, width)));
        engine.ResetOrder();
        Assert.That(engine.Keys(0, 0).ToArray(), Is.EqualTo(natural));
    }
}
