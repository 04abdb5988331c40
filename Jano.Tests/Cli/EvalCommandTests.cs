using System.Text.Json;
using Jano.Eval;
using Jano.Tests.Export;
using Jano.Tests.Eval;

namespace Jano.Tests.Cli;

/// <summary>`jano eval` end to end on a tiny random 32×32 package and a tiny synthetic data set, and its one-line errors.</summary>
[TestFixture]
public sealed class EvalCommandTests
{
    private TinyPixArt _model = null!;
    private string _data = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 1, heads: 2, headDim: 8, sample: 32, patch: 4, inChannels: 1, outChannels: 1, caption: 384);
        _model.Export();
        _data = Path.Combine(_model.Folder, "fashion");
        SyntheticFashion.WriteFolder(_data, trainPerClass: 3, testPerClass: 2);
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    [Test]
    public void WritesReportJsonAndGrid()
    {
        var md = Path.Combine(_model.Folder, "out", "report.md");
        var r = CliRunner.Run("eval", "--model", _model.Package, "--data", _data, "--seeds", "2", "--steps", "1", "--k", "1", "--pca", "4", "--out", md, "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("| Sneaker | a sneaker |").And.Contain("**mean**").And.Contain("Fréchet distance").And.Contain("wrote " + md));
        Assert.That(File.ReadAllText(md), Does.Contain("| Ankle boot | an ankle boot |").And.Contain("(dense, 1 steps"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(md, ".json")));
        Assert.That(json.RootElement.GetProperty("classes").GetArrayLength(), Is.EqualTo(10));
        Assert.That(json.RootElement.GetProperty("model").GetProperty("method").GetString(), Is.EqualTo("dense"));
        using var grid = SixLabors.ImageSharp.Image.Load(Path.ChangeExtension(md, ".png"));
        Assert.That((grid.Width, grid.Height), Is.EqualTo((2 * 32 + 2, 10 * 32 + 9 * 2)), "one row per class, one column per seed");
    }

    [Test]
    public void MissingDataSetSaysHowToInstallIt()
    {
        var r = CliRunner.Run("eval", "--model", _model.Package, "--data", Path.Combine(_model.Folder, "nowhere"), "--out", Path.Combine(_model.Folder, "m.md"));
        Assert.That(r.Code, Is.EqualTo(1));
        Assert.That(r.Err.Trim().Split('\n'), Has.Length.EqualTo(1), r.Err);
        Assert.That(r.Err, Does.StartWith("jano eval: ").And.Contain(FashionMnist.InstallHint));
    }

    [TestCase("--seeds", "0", "--seeds must be a whole number from 1 to 10000")]
    [TestCase("--k", "-1", "k must be")]
    [TestCase("--out", "report.txt", ".md")]
    public void BadOptionsAreUsageErrors(string flag, string value, string fragment)
    {
        var r = CliRunner.Run("eval", "--model", _model.Package, "--data", _data, flag, value);
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain(fragment).And.Not.Contain("   at "));
    }
}
