using Jano.Cli;

namespace Jano.Tests.Cli;

/// <summary>`jano serve`'s options: command line over JANO_* variables over defaults, and one-line refusals before anything listens.</summary>
[TestFixture]
public sealed class ServeCommandTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Test]
    public void TheCommandLineWinsOverTheEnvironmentWhichWinsOverTheDefaults()
    {
        var env = Env(("JANO_PORT", "9001"), ("JANO_CONCURRENCY", "3"), ("JANO_MODELS", "/env/a"), ("JANO_LOG_FORMAT", "json"));
        var o = ServeCommand.Resolve(new ServeCommand.Settings { Port = 7000, Models = ["/cli/a", "/cli/b"] }, env);
        Assert.That(o.Port, Is.EqualTo(7000), "command line over JANO_PORT");
        Assert.That(o.Models, Is.EqualTo(new[] { "/cli/a", "/cli/b" }), "repeated --model over JANO_MODELS");
        Assert.That(o.Concurrency, Is.EqualTo(3), "JANO_CONCURRENCY where the command line is silent");
        Assert.That(o.JsonLogs, Is.True);
        Assert.That(o.QueueLength, Is.EqualTo(16), "the default where both are silent");
        Assert.That(ServeCommand.Resolve(new ServeCommand.Settings { LogFormat = "text" }, env).JsonLogs, Is.False);
    }

    [TestCase(new[] { "--port", "70000" }, 2, "jano serve: --port must be a whole number from 0 to 65535, got '70000'")]
    [TestCase(new[] { "--concurrency", "0" }, 2, "jano serve: --concurrency must be a whole number from 1 to 64, got '0'")]
    [TestCase(new[] { "--model", "/no/such/package" }, 1, "jano serve: --model '/no/such/package': no such folder")]
    [TestCase(new[] { "--provider", "tpu" }, 1, "jano serve: --provider 'tpu': allowed cpu, cuda, auto")]
    [TestCase(new[] { "--log-format", "xml" }, 2, "jano serve: --log-format 'xml': allowed text, json")]
    public void ABadOptionIsOneLineBeforeAnythingListens(string[] args, int code, string message)
    {
        var r = CliRunner.Run(["serve", .. args]);
        Assert.That(r.Code, Is.EqualTo(code), r.Err);
        Assert.That(r.Err.TrimEnd().Split('\n'), Has.Length.EqualTo(1), r.Err);
        Assert.That(r.Err, Does.StartWith(message));
    }

    [Test]
    public void HelpNamesTheEnvironmentVariables()
    {
        var r = CliRunner.Run("serve", "--help");
        Assert.That(r.Code, Is.EqualTo(0));
        foreach (var variable in new[] { "JANO_MODELS", "JANO_PORT", "JANO_CONCURRENCY", "JANO_QUEUE" }) Assert.That(r.Out, Does.Contain(variable));
    }
}
