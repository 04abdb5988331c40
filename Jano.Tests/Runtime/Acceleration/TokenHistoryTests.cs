using Jano.Runtime.Acceleration;

namespace Jano.Tests.Runtime.Acceleration;

/// <summary>TaylorSeer's and jano+taylor's forecast: exact on polynomial sequences of its order, at any spacing of steps.</summary>
public sealed class TokenHistoryTests
{
    private static float Quadratic(int s, int i) => 0.5f * s * s - 3f * s + 2f + i;
    private static float Linear(int s, int i) => -1.5f * s + 4f * i;

    [TestCase(1)]
    [TestCase(2)]
    public void ExactOnPolynomialsOfItsOrder(int order)
    {
        Func<int, int, float> f = order == 1 ? Linear : Quadratic;
        var history = new TokenHistory(tokens: 3, width: 2, order);
        int[] steps = [1, 4, 6]; // irregular spacing: Jano's tokens are computed at uneven steps
        foreach (var s in steps)
            for (var t = 0; t < 3; t++) history.Record(t, s, [f(s, t), f(s, t + 1)]);
        var forecast = new float[2];
        foreach (var target in new[] { 7, 9, 12 })
            for (var t = 0; t < 3; t++)
            {
                Assert.That(history.Forecast(t, target, order, forecast), Is.True);
                Assert.That(forecast[0], Is.EqualTo(f(target, t)).Within(1e-4), $"token {t} at step {target}");
                Assert.That(forecast[1], Is.EqualTo(f(target, t + 1)).Within(1e-4));
            }
    }

    [Test]
    public void FirstOrderIsNotExactOnAQuadratic()
    {
        var history = new TokenHistory(1, 1, 1);
        history.Record(0, 2, [Quadratic(2, 0)]);
        history.Record(0, 3, [Quadratic(3, 0)]);
        var forecast = new float[1];
        history.Forecast(0, 5, 1, forecast);
        Assert.That(Math.Abs(forecast[0] - Quadratic(5, 0)), Is.GreaterThan(0.5));
    }

    [Test]
    public void FewerSamplesUseALowerOrder()
    {
        var history = new TokenHistory(2, 1, 2);
        var forecast = new float[1];
        Assert.That(history.Forecast(0, 3, 2, forecast), Is.False, "no sample");
        history.Record(0, 1, [5f]);
        history.Forecast(0, 3, 2, forecast);
        Assert.That(forecast[0], Is.EqualTo(5f), "one sample: the sample");
        history.Record(0, 2, [7f]);
        history.Forecast(0, 4, 2, forecast);
        Assert.That(forecast[0], Is.EqualTo(11f), "two samples: the line");
        Assert.That(history.LastStep(0), Is.EqualTo(2));
        Assert.That(history.Count(1), Is.Zero);
    }
}
