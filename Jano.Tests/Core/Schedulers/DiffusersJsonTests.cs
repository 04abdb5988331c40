using System.Text.Json;
using Jano.Core.Schedulers;

namespace Jano.Tests.Core.Schedulers;

/// <summary>Python's json writes NaN, Infinity and -Infinity; they become strings, nothing else changes.</summary>
[TestFixture]
public sealed class DiffusersJsonTests
{
    [Test]
    public void NonFiniteLiteralsOutsideStringsAreQuoted()
    {
        Assert.That(DiffusersJson.QuoteNonFiniteLiterals("""{"a": -Infinity, "b": [NaN, Infinity]}"""),
            Is.EqualTo("""{"a": "-Infinity", "b": ["NaN", "Infinity"]}"""));
        var root = DiffusersJson.Parse("""{"a": -Infinity}""");
        Assert.That(root.GetProperty("a").GetString(), Is.EqualTo("-Infinity"));
    }

    [Test]
    public void StringsAndOrdinaryJsonAreLeftAlone()
    {
        const string text = """{"note": "NaN and -Infinity \" Infinity", "x": 1.5e-3, "y": null}""";
        Assert.That(DiffusersJson.QuoteNonFiniteLiterals(text), Is.SameAs(text));
        Assert.That(DiffusersJson.Parse(text).GetProperty("note").GetString(), Is.EqualTo("NaN and -Infinity \" Infinity"));
    }

    [Test]
    public void InvalidJsonStillFails() => Assert.Catch<JsonException>(() => DiffusersJson.Parse("{ not json"));
}
