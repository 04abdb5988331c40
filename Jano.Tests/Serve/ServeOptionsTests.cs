using Jano.Serve;
using Jano.Tests.Export;

namespace Jano.Tests.Serve;

/// <summary>ServeOptions from JANO_* variables, and one-line refusals naming the option or variable.</summary>
[TestFixture]
public sealed class ServeOptionsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Test]
    public void EnvironmentVariablesSetEveryOption()
    {
        var o = ServeOptions.FromEnvironment(Env(("JANO_MODELS", $"/a{Path.PathSeparator}/b"), ("JANO_PORT", "9001"), ("JANO_HOST", "0.0.0.0"),
            ("JANO_CONCURRENCY", "3"), ("JANO_QUEUE", "7"), ("JANO_THREADS", "2"), ("JANO_PROVIDER", "auto"), ("JANO_MAX_STEPS", "60"),
            ("JANO_MAX_IMAGES", "2"), ("JANO_LOG_FORMAT", "json")));
        Assert.That(o.Models, Is.EqualTo(new[] { "/a", "/b" }));
        Assert.That((o.Port, o.Host, o.Concurrency, o.QueueLength, o.Threads, o.Provider, o.MaxSteps, o.MaxImages, o.JsonLogs),
            Is.EqualTo((9001, "0.0.0.0", 3, 7, 2, "auto", 60, 2, true)));
    }

    [Test]
    public void UnsetVariablesKeepTheDefaults()
    {
        var defaults = new ServeOptions { Port = 1234 };
        Assert.That(ServeOptions.FromEnvironment(Env(), defaults), Is.EqualTo(defaults));
    }

    [TestCase("JANO_PORT", "eighty", "JANO_PORT='eighty' is not a whole number")]
    [TestCase("JANO_LOG_FORMAT", "xml", "JANO_LOG_FORMAT='xml': allowed values are text and json")]
    public void ABadVariableIsNamed(string name, string value, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => ServeOptions.FromEnvironment(Env((name, value))));
        Assert.That(e!.Message, Is.EqualTo(message));
    }

    [TestCase(70000, 1, 1, "cpu", "--port 70000: allowed 0 to 65535")]
    [TestCase(80, 0, 1, "cpu", "--concurrency 0: allowed 1 to 64")]
    [TestCase(80, 1, -1, "cpu", "--queue -1: allowed 0 to 100000")]
    [TestCase(80, 1, 1, "tpu", "--provider 'tpu': allowed cpu, cuda, auto")]
    public void AnOptionOutOfRangeIsNamed(int port, int concurrency, int queue, string provider, string message)
    {
        var o = new ServeOptions { Port = port, Concurrency = concurrency, QueueLength = queue, Provider = provider };
        var e = Assert.Throws<ArgumentException>(() => JanoServer.Build(o));
        Assert.That(e!.Message, Does.StartWith(message));
    }

    [Test]
    public void AMissingModelFolderIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => JanoServer.Build(new ServeOptions { Models = ["/no/such/model"] }));
        Assert.That(e!.Message, Is.EqualTo("--model '/no/such/model': no such folder"));
    }

    [Test]
    public void TheSameModelTwiceIsRefusedNamingBothFolders()
    {
        using var model = new TinyPixArt(caption: 384);
        model.Export();
        var e = Assert.Throws<ArgumentException>(() => JanoServer.Build(new ServeOptions { Models = [model.Package, model.Package + "/"] }));
        Assert.That(e!.Message, Does.Contain("is served already"));
    }

    [Test]
    public void AHostThatIsNoAddressIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => JanoServer.Build(new ServeOptions { Host = "example.com" }));
        Assert.That(e!.Message, Does.StartWith("--host 'example.com'"));
    }
}
