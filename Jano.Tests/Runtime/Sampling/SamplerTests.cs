using Jano.Runtime.Sampling;

namespace Jano.Tests.Runtime.Sampling;

/// <summary>Sampler schedules and updates against values computed by hand (double precision, outside this code).</summary>
public sealed class SamplerTests
{
    [Test]
    public void FlowScheduleWithoutShiftIsLinearFromOneToOneThousandth()
    {
        var s = new FlowMatchEulerSampler(4, shift: 1.0);
        double[] expected = [1.0, 0.667, 0.334, 0.001, 0.0];
        for (var i = 0; i <= 4; i++) Assert.That(s.Sigma(i), Is.EqualTo(expected[i]).Within(1e-12), $"sigma {i}");
        Assert.That(s.ModelTimestep(1), Is.EqualTo(667f).Within(1e-3));
    }

    [Test]
    public void FlowScheduleWithShiftThreeMatchesDiffusersDoubleShiftOfTheEndPoints()
    {
        var s = new FlowMatchEulerSampler(4, shift: 3.0);
        double[] expected = [1.0, 0.8576923076923075, 0.6021505376344084, 0.008928571428571713, 0.0];
        for (var i = 0; i <= 4; i++) Assert.That(s.Sigma(i), Is.EqualTo(expected[i]).Within(1e-12), $"sigma {i}");
    }

    [Test]
    public void FlowStepMovesAlongTheVelocityBySigmaDifference()
    {
        var s = new FlowMatchEulerSampler(4, shift: 1.0);
        float[] x = [1f, -2f, 0.5f];
        float[] v = [0.3f, 1f, -4f];
        s.Step(1, v, x); // σ 0.667 → 0.334: dt = −0.333
        Assert.That(x[0], Is.EqualTo(1 - 0.333 * 0.3).Within(1e-6));
        Assert.That(x[1], Is.EqualTo(-2 - 0.333).Within(1e-6));
        Assert.That(x[2], Is.EqualTo(0.5 + 0.333 * 4).Within(1e-6));
    }

    [Test]
    public void FlowWithExactVelocityReachesTheDataInOneStep()
    {
        // x₁ = ε; v = ε − x₀; x ← x + (0 − 1)·v = x₀ exactly.
        var s = new FlowMatchEulerSampler(1);
        float[] x0 = [0.25f, -0.75f], eps = [1.5f, 0.5f];
        var x = (float[])eps.Clone();
        s.Step(0, [eps[0] - x0[0], eps[1] - x0[1]], x);
        Assert.That(x, Is.EqualTo(x0).Within(1e-6));
    }

    [Test]
    public void DdimUsesLeadingSpacingAndLinearBetas()
    {
        var s = new DdimSampler(10);
        Assert.That(Enumerable.Range(0, 10).Select(s.Timestep), Is.EqualTo(new[] { 900, 800, 700, 600, 500, 400, 300, 200, 100, 0 }));
        Assert.That(s.AlphaBar(0), Is.EqualTo(0.9999).Within(1e-15));
        Assert.That(s.AlphaBar(900), Is.EqualTo(0.00027024451955826425).Within(1e-15));
        Assert.That(s.AlphaBar(800), Is.EqualTo(0.001507521059781676).Within(1e-15));
    }

    [Test]
    public void DdimStepMatchesHandComputedUpdate()
    {
        var s = new DdimSampler(10);
        float[] x = [1f];
        s.Step(0, [0.5f], x); // t = 900 → 800
        Assert.That(x[0], Is.EqualTo(1.680710097456706).Within(1e-5));
        float[] last = [1f];
        s.Step(9, [0.5f], last); // t = 0 → ᾱ_prev = 1: the x̂₀ estimate itself
        Assert.That(last[0], Is.EqualTo(0.9950497537315612).Within(1e-6));
    }

    [Test]
    public void ScaledLinearBetasAreSquaresOfALinearRampOfRoots()
    {
        var a = DdimSampler.AlphaCumprod(1000, 0.0001, 0.02, "scaled_linear");
        Assert.That(a[500], Is.EqualTo(0.33127457951725575).Within(1e-12));
    }

    [Test]
    public void GuidanceExtrapolatesFromUnconditional()
    {
        float[] c = [1f, 2f], u = [0.5f, 3f], o = new float[2];
        Guidance.Combine(c, u, 4f, o);
        Assert.That(o, Is.EqualTo(new[] { 0.5f + 4 * 0.5f, 3f - 4f }));
    }

    [Test]
    public void NoiseIsSeededStandardNormal()
    {
        var a = new float[20000];
        var b = new float[20000];
        GaussianNoise.Fill(a, 42);
        GaussianNoise.Fill(b, 42);
        Assert.That(a, Is.EqualTo(b));
        GaussianNoise.Fill(b, 43);
        Assert.That(a, Is.Not.EqualTo(b));
        var mean = a.Average();
        var variance = a.Select(v => (v - mean) * (v - mean)).Average();
        Assert.That(mean, Is.EqualTo(0).Within(0.03));
        Assert.That(variance, Is.EqualTo(1).Within(0.04));
    }

    [Test]
    public void BadSamplerArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMatchEulerSampler(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMatchEulerSampler(5, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DdimSampler(0));
        Assert.Throws<ArgumentException>(() => DdimSampler.AlphaCumprod(10, 0.1, 0.2, "cosine"));
    }
}
