using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Jano.Core.Packages;
using Jano.Runtime;
using Jano.Runtime.Models;
using Jano.Runtime.Pipeline;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Models;

/// <summary>
/// A valid ONNX graph of the wrong shape in a package is refused when the pipeline opens, in one line
/// naming the stage, the file and the tensor with the expected and found dimensions.
/// </summary>
[TestFixture]
public sealed class StageShapeTests
{
    private TinyPixArt _model = null!;
    private TinyPixArt _wider = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(heads: 2, headDim: 8, caption: 384, seed: 1);
        _model.Export();
        _wider = new TinyPixArt(heads: 2, headDim: 12, caption: 384, seed: 2); // width 24 instead of 16
        _wider.Export();
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _model.Dispose();
        _wider.Dispose();
    }

    /// <summary>A copy of the package with one file taken from another package, its size and hash re-recorded (so only the shape is wrong).</summary>
    private static string WithFileFrom(TempFolder into, string package, string donor, string file, Action<JsonObject>? edit = null)
    {
        var copy = Path.Combine(into.Path, "package");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.EnumerateFiles(package)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        if (donor != package) File.Copy(Path.Combine(donor, file), Path.Combine(copy, file), overwrite: true);
        var manifestPath = Path.Combine(copy, ModelManifest.FileName);
        var root = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        foreach (var entry in root["files"]!.AsArray())
        {
            var path = Path.Combine(copy, entry!["path"]!.GetValue<string>());
            entry["bytes"] = new FileInfo(path).Length;
            entry["sha256"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        }
        edit?.Invoke(root);
        File.WriteAllText(manifestPath, root.ToJsonString());
        return copy;
    }

    private static string Refusal(string package)
    {
        var e = Assert.Throws<ModelPackageException>(() => TextToImagePipeline.Open(package, new RuntimeOptions { Threads = 1 }).Dispose())!;
        Assert.That(e.Message, Does.Not.Contain("\n"));
        return e.Message;
    }

    [Test]
    public void AnEmbedGraphOfAnotherWidthIsRefusedNamingStageFileAndTensor()
    {
        using var folder = new TempFolder();
        var package = WithFileFrom(folder, _model.Package, _wider.Package, "embed.onnx");
        Assert.That(Refusal(package), Is.EqualTo(
            $"{Path.Combine(package, "embed.onnx")}: stage 'embed' graph's input 'positions' has dims [?, 24], expected [?, 16] (last dimension: dims.hiddenSize = 16): the graph does not fit this package's manifest"));
    }

    [Test]
    public void AFinalGraphOfAnotherWidthIsRefused()
    {
        using var folder = new TempFolder();
        var package = WithFileFrom(folder, _model.Package, _wider.Package, "final.onnx");
        Assert.That(Refusal(package), Does.Contain("stage 'final' graph's input 'hidden' has dims [?, ?, 24], expected [?, ?, 16]"));
    }

    [Test]
    public void ABlockGraphOfAnotherWidthIsRefusedNamingTheBlock()
    {
        using var folder = new TempFolder();
        var package = WithFileFrom(folder, _model.Package, _wider.Package, "block_01.post.onnx");
        Assert.That(Refusal(package), Does.Contain("block_01.post.onnx: stage 'block 1 post' graph's input 'hidden'"));
    }

    [Test]
    public void AGraphThatIsNotONNXIsRefusedInOneLine()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(Path.Combine(folder.Path, "garbage.onnx"), "not a protobuf at all"u8.ToArray());
        var package = WithFileFrom(folder, _model.Package, _model.Package, "final.onnx");
        File.Copy(Path.Combine(folder.Path, "garbage.onnx"), Path.Combine(package, "final.onnx"), overwrite: true);
        package = WithFileFrom(new TempFolder(), package, package, "final.onnx"); // re-record its hash
        Assert.That(Refusal(package), Does.Contain("final.onnx: ONNX Runtime cannot load this graph: "));
    }

    [Test]
    public void ATextEncoderWidthTheEncoderDoesNotGiveIsRefused()
    {
        using var folder = new TempFolder();
        var package = WithFileFrom(folder, _model.Package, _model.Package, "final.onnx", root =>
        {
            root["components"]!["textEncoders"]![0]!["hiddenSize"] = 385;
            root["components"]!["transformer"]!["dims"]!["captionChannels"] = 385;
        });
        Assert.That(Refusal(package), Does.EndWith("field 'components.textEncoders[0].hiddenSize' is 385, but the minilm encoder 'all-MiniLM-L6-v2' gives 384-wide states"));
    }

    [TestCase(new[] { 2, -1, 16 }, null)]
    [TestCase(new[] { -1, -1, -1 }, null)]
    [TestCase(new int[0], null)]
    [TestCase(new[] { -1, 16 }, "has dims [?, 16], expected rank 3 [?, ?, 16]")]
    [TestCase(new[] { -1, -1, 17 }, "has dims [?, ?, 17], expected [?, ?, 16] (last dimension: dims.hiddenSize = 16)")]
    public void SymbolicDimensionsPassAndFixedOnesMustMatch(int[] dims, string? expected) =>
        Assert.That(StageShapes.Problem(new StageShapes.Expected(3, 16, "dims.hiddenSize"), dims), Is.EqualTo(expected));
}
