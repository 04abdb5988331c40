using Jano.Cli.Bench;
using Jano.Core.Acceleration;
using Jano.Runtime.Acceleration;

namespace Jano.Tests.Cli.Bench;

public sealed class BenchSweepTests
{
    private static readonly JanoOptions Fast = new() { StaticThreshold = 0.2, MediumThreshold = 0.65 };
    private static readonly Dictionary<string, JanoOptions> Presets = new() { ["reference"] = new JanoOptions(), ["fast"] = Fast };

    private static List<BenchMethod> Resolve(string list, bool sweep = true, bool calibrated = true) =>
        BenchMethodSet.Resolve(list, sweep, 50, Fast, Presets, calibrated, []);

    [Test]
    public void StepsKSweepsSixtyToThirtyPercentOfTheSteps() =>
        Assert.That(Resolve("steps-25").Skip(1).Select(m => m.Label), Is.EqualTo(new[] { "steps-30", "steps-25", "steps-20", "steps-15" }));

    [Test]
    public void EachBaselineSweepsItsPapersKnob()
    {
        Assert.That(Resolve("fora").Skip(1).Select(m => m.Method!.Parameters["interval"]), Is.EqualTo(new[] { "2", "3", "4", "5" }));
        Assert.That(Resolve("teacache").Skip(1).Select(m => m.Method!.Parameters["threshold"]), Is.EqualTo(new[] { "0.05", "0.1", "0.2", "0.4" }));
        Assert.That(Resolve("taylorseer").Skip(1).Select(m => m.Method!.Parameters["interval"]), Is.EqualTo(new[] { "2", "3", "4", "6" }));
        Assert.That(Resolve("toca").Skip(1).Select(m => m.Method!.Parameters["ratio"]), Is.EqualTo(new[] { "0.5", "0.3", "0.2", "0.1" }));
    }

    [Test]
    public void JanoTaylorRunsExactlyJanosSchedules()
    {
        var jano = Resolve("jano").Skip(1).ToList();
        var taylor = Resolve("jano+taylor").Skip(1).ToList();
        Assert.That(jano.Select(m => m.Jano), Is.EqualTo(taylor.Select(m => m.Jano)));
        Assert.That(jano[0].Label, Is.EqualTo("jano fast"), "the chosen preset by its name");
        Assert.That(jano[0].Jano, Is.EqualTo(Fast));
        Assert.That(jano.Select(m => m.Jano!.MediumInterval), Is.EqualTo(new[] { 4, 6, 8, 8 }));
        Assert.That(jano.Select(m => m.Jano!.Warmup), Is.EqualTo(new[] { 7, 7, 5, 5 }));
        Assert.That(jano[3].Jano!.StaticThreshold, Is.EqualTo(0.3));
    }

    [Test]
    public void WithoutSweepEachMethodRunsOnceAtItsDefaults()
    {
        var methods = Resolve(BenchMethodSet.All, sweep: false);
        Assert.That(methods.Select(m => m.Label), Is.EqualTo(new[] { "dense", "steps-25", "fora", "teacache", "taylorseer", "toca", "jano", "jano+teacache", "jano+taylor" }));
        Assert.That(methods[0].IsDense, Is.True);
        Assert.That(methods.Where(m => m.Method?.UsesJano == true).Select(m => m.Jano), Is.All.EqualTo(Fast));
    }

    [Test]
    public void AllWithoutCalibrationLeavesOutTheTeaCacheMethodsWithANote()
    {
        var notes = new List<string>();
        var methods = BenchMethodSet.Resolve(BenchMethodSet.All, false, 50, Fast, Presets, hasTeaCacheCalibration: false, notes);
        Assert.That(methods.Select(m => m.Family), Has.None.EqualTo(AccelerationMethods.TeaCache).And.None.EqualTo(AccelerationMethods.JanoTeaCache));
        Assert.That(notes, Has.Count.EqualTo(2));
    }

    [Test]
    public void ParetoFrontOfAHandMadeSet()
    {
        // (speed-up, PSNR): c dominates b; a and d trade speed for quality; e ties d's speed with less PSNR.
        (double, double)?[] points = [null, (1.5, 40), (2.0, 30), (2.0, 33), (3.0, 25), (3.0, 20)];
        Assert.That(BenchPareto.Front(points), Is.EquivalentTo(new[] { 1, 3, 4 }));
    }
}
