using Jano.Cli.Tune;
using Jano.Core.Acceleration;

namespace Jano.Tests.Cli.Tune;

public sealed class TuneSpaceTests
{
    private static readonly JanoOptions Fast = new() { StaticThreshold = 0.2, MediumThreshold = 0.65 };
    private static readonly Dictionary<string, JanoOptions> Presets = new() { ["reference"] = new JanoOptions(), ["fast"] = Fast };

    [Test]
    public void TheGridIsTheProductOfItsAxes()
    {
        Assert.That(TuneSpace.GridSize("jano"), Is.EqualTo(4 * 2 * 4 * 4 * 3 * 3));
        Assert.That(TuneSpace.GridSize("jano+taylor"), Is.EqualTo(4 * 2 * 4 * 4 * 3 * 3 * 3));
    }

    [Test]
    public void ASampleStartsWithThePresetsAndIsDistinctAndRepeatable()
    {
        var a = TuneSpace.Sample("jano+taylor", Presets, Fast, 50, 32, 32, 27);
        var b = TuneSpace.Sample("jano+taylor", Presets, Fast, 50, 32, 32, 27);
        Assert.That(a, Has.Count.EqualTo(27));
        Assert.That(a.Select(c => c.Label), Is.Unique);
        Assert.That(a.Select(c => c.Label), Is.EqualTo(b.Select(c => c.Label)));
        Assert.That(a[0].Jano, Is.EqualTo(new JanoOptions()));
        Assert.That(a[1].Jano, Is.EqualTo(Fast));
        Assert.That(a[1].Method.Parameters["horizon"], Is.EqualTo("4"), "presets run with the method's default knob");
        Assert.That(a.Skip(2).Select(c => c.Method.Parameters["horizon"]).Distinct(), Is.SubsetOf(new[] { "2", "4", "8" }));
        Assert.That(a.Skip(2).All(c => TuneSpace.MediumIntervals.Contains(c.Jano.MediumInterval) && TuneSpace.Warmups.Contains(c.Jano.Warmup)), Is.True);
    }

    [Test]
    public void SettingsThatCannotRunAtTheStepCountAreLeftOut()
    {
        // 8 steps: warm-up + cool-down must leave a step, so warm-up 7 with cool-down 1 or 2 cannot run.
        var sample = TuneSpace.Sample("jano", Presets, Fast, 8, 32, 32, 40);
        Assert.That(sample.All(c => c.Jano.Warmup + c.Jano.Cooldown < 8), Is.True);
    }

    [Test]
    public void APlainMethodIsRefused() =>
        Assert.That(() => TuneSpace.Sample("fora", Presets, Fast, 50, 32, 32, 5), Throws.InstanceOf<Jano.Cli.UsageException>().With.Message.Contains("tune searches Jano's schedule"));
}
