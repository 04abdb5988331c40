using Jano.Runtime.Acceleration;

namespace Jano.Tests.Runtime.Acceleration;

public sealed class TocaSelectionTests
{
    [TestCase(100, 0.3, 30)]
    [TestCase(64, 0.25, 16)]
    [TestCase(10, 0.25, 3)]   // 2.5 rounds away from zero
    [TestCase(10, 0.01, 1)]   // at least one
    [TestCase(7, 1.0, 7)]
    public void SelectedCounts(int tokens, double ratio, int expected) =>
        Assert.That(TocaPolicy.SelectedCount(tokens, ratio), Is.EqualTo(expected));

    [Test]
    public void PartialStepsPutTheMostChangedTokensFirst()
    {
        const int tokens = 6, width = 1;
        var policy = new TocaPolicy(tokens, width, ratio: 0.5, interval: 3, ageWeight: 0);
        policy.Begin([]);
        int[] natural = [0, 1, 2, 3, 4, 5];
        // Two full steps... step 1 full, then a step-2 plan is partial; give every token two computations first.
        Assert.That(policy.TokensFor(1), Is.EqualTo(tokens));
        policy.Refine(1, StepPlan.Compute(tokens), natural, new float[] { 1, 1, 1, 1, 1, 1 });
        var policy2 = policy; // the same policy continues
        Assert.That(policy2.TokensFor(4), Is.EqualTo(tokens));
        // Changes: token 4 most, then 1, then 5; the rest none.
        policy2.Refine(4, StepPlan.Compute(tokens), natural, new float[] { 1, 3, 1, 1, 9, 2 });
        var order = policy2.AfterStep(4, []);
        Assert.That(order, Is.Not.Null);
        Assert.That(order![..3], Is.EqualTo(new[] { 1, 4, 5 }));
        Assert.That(order.Order(), Is.EqualTo(natural));
        Assert.That(policy2.TokensFor(5), Is.EqualTo(3));
    }

    [Test]
    public void CacheAgeBringsStaleTokensForward()
    {
        const int tokens = 4;
        var policy = new TocaPolicy(tokens, 1, ratio: 0.25, interval: 100, ageWeight: 1);
        policy.Begin([]);
        policy.Refine(1, StepPlan.Compute(tokens), [0, 1, 2, 3], new float[] { 1, 1, 1, 1 });
        // Step 2 computes token 3 only (order [3, 0, 1, 2]); the others age.
        policy.Refine(2, StepPlan.Compute(1), [3, 0, 1, 2], new float[] { 1, 0, 0, 0 });
        var order = policy.AfterStep(2, []);
        Assert.That(order![0], Is.Not.EqualTo(3), "the token just computed is youngest");
    }
}
