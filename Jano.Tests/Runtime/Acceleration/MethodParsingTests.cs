using Jano.Runtime.Acceleration;

namespace Jano.Tests.Runtime.Acceleration;

public sealed class MethodParsingTests
{
    [TestCase("dense")]
    [TestCase("steps-25")]
    [TestCase("fora")]
    [TestCase("teacache")]
    [TestCase("taylorseer")]
    [TestCase("toca")]
    [TestCase("jano")]
    [TestCase("jano+teacache")]
    [TestCase("JANO+Taylor")]
    public void EveryNameParses(string name) =>
        Assert.That(AccelerationMethods.Parse(name).Name, Is.EqualTo(name.ToLowerInvariant()));

    [Test]
    public void DefaultsAreFilledInAndParametersAreCanonical()
    {
        var m = AccelerationMethods.Parse("toca", new Dictionary<string, string> { ["Ratio"] = "0.50" });
        Assert.That(m.Parameters, Is.EqualTo(new Dictionary<string, string> { ["age-weight"] = "0.05", ["interval"] = "3", ["ratio"] = "0.5" }));
        Assert.That(m.ToString(), Is.EqualTo("toca age-weight=0.05 interval=3 ratio=0.5"));
        Assert.That(AccelerationMethods.Parse("steps-25").Steps, Is.EqualTo(25));
        Assert.That(AccelerationMethods.Parse("fora").Steps, Is.Null);
        Assert.That(AccelerationMethods.Parse("jano+teacache").UsesJano, Is.True);
        Assert.That(AccelerationMethods.Parse("teacache").UsesJano, Is.False);
    }

    [TestCase("fast", "unknown method 'fast'; methods: dense, steps-K, fora, teacache, taylorseer, toca, jano, jano+teacache, jano+taylor")]
    [TestCase("steps", "unknown method 'steps'; methods: dense, steps-K")]
    [TestCase("steps-0", "method 'steps-0': steps-K needs a whole number of steps K in [1, 10000] (e.g. steps-25); methods: dense")]
    [TestCase("steps-x", "method 'steps-x': steps-K needs")]
    [TestCase("", "unknown method ''")]
    public void UnknownNamesListTheAllowedOnes(string name, string start)
    {
        var e = Assert.Throws<ArgumentException>(() => AccelerationMethods.Parse(name));
        Assert.That(e!.Message, Does.StartWith(start));
        Assert.That(e.Message, Does.Not.Contain('\n'));
    }

    [TestCase("fora", "threshold", "1", "method fora has no parameter 'threshold'; its parameters: interval")]
    [TestCase("jano", "interval", "1", "method jano has no parameter 'interval'; its parameters: none")]
    [TestCase("fora", "interval", "0", "method fora: parameter interval must be a whole number ≥ 1, got '0'")]
    [TestCase("taylorseer", "order", "3", "method taylorseer: parameter order must be 1 or 2, got '3'")]
    [TestCase("toca", "ratio", "0", "method toca: parameter ratio must be in (0, 1], got '0'")]
    [TestCase("teacache", "threshold", "-1", "method teacache: parameter threshold must be ≥ 0, got '-1'")]
    [TestCase("teacache", "threshold", "NaN", "method teacache: parameter threshold must be a finite number, got 'NaN'")]
    [TestCase("teacache", "coefficients", "1,x", "method teacache: parameter coefficients must be 1 to 9 comma-separated finite numbers, highest degree first, got '1,x'")]
    public void BadParametersAreOneLineNamingTheParameter(string name, string key, string value, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => AccelerationMethods.Parse(name, new Dictionary<string, string> { [key] = value }));
        Assert.That(e!.Message, Is.EqualTo(message));
    }
}
