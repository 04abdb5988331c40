using Jano.Runtime.Acceleration;

namespace Jano.Tests.Runtime.Acceleration;

public sealed class TeaCacheCalibrationTests
{
    [Test]
    public void FitRecoversAPolynomialFromAHandMadeSeries()
    {
        double[] truth = [3.0, -2.0, 0.5, 0.01]; // 3x³ − 2x² + 0.5x + 0.01, highest degree first
        var samples = Enumerable.Range(1, 20).Select(i => i * 0.02).Select(x => (x, TeaCacheCalibration.Evaluate(truth, x))).ToList();
        var fit = TeaCacheCalibration.Fit(samples, degree: 3);
        Assert.That(fit, Is.EqualTo(truth).Within(1e-8));
    }

    [Test]
    public void FitIsTheLeastSquaresLine()
    {
        // y = 2x + 1 with residuals +1, −1, −1, +1 around it: the least-squares line is the line.
        var samples = new List<(double, double)> { (0, 2), (1, 2), (2, 4), (3, 8) };
        // Normal equations by hand: slope = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)² = 9/5 · … computed: x̄ = 1.5, ȳ = 4.
        var fit = TeaCacheCalibration.Fit(samples, degree: 1);
        Assert.That(fit[0], Is.EqualTo(2.0).Within(1e-12));
        Assert.That(fit[1], Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void SamplesPairConsecutiveRelativeChanges()
    {
        var inputs = new List<float[]> { new[] { 1f, 1f }, new[] { 1f, 2f }, new[] { 2f, 2f } };
        var outputs = new List<float[]> { new[] { 2f, 0f }, new[] { 1f, 0f }, new[] { 1f, 0f } };
        var samples = TeaCacheCalibration.Samples(inputs, outputs);
        Assert.That(samples, Is.EqualTo(new List<(double, double)> { (0.5, 0.5), (1.0 / 3, 0.0) }));
    }

    [Test]
    public void TooFewSamplesAreRefused() =>
        Assert.Throws<ArgumentException>(() => TeaCacheCalibration.Fit([(0.1, 0.2), (0.2, 0.3)], degree: 2));

    [Test]
    public void TheGateAccumulatesAndRestarts()
    {
        var gate = new TeaCacheGate(2, threshold: 0.25, coefficients: [0.1]);
        Assert.That(gate.MayReuse([1f, 1f]), Is.False, "nothing to compare with");
        gate.Computed();
        Assert.That(gate.MayReuse([1f, 1f]), Is.True);  // 0.1
        Assert.That(gate.MayReuse([1f, 1f]), Is.True);  // 0.2
        Assert.That(gate.MayReuse([1f, 1f]), Is.False); // 0.3 ≥ 0.25
        gate.Computed();
        Assert.That(gate.Accumulated, Is.Zero);
        Assert.That(new TeaCacheGate(1, 0, [0.0]).MayReuse([1f]) || new TeaCacheGate(1, 0, [0.0]).MayReuse([1f]), Is.False);
    }
}
