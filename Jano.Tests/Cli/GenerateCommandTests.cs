using System.Text.Json;
using Jano.Tests.Export;

namespace Jano.Tests.Cli;

/// <summary>`jano generate` end to end on a tiny random package, and its clear one-line errors.</summary>
[TestFixture]
public sealed class GenerateCommandTests
{
    private TinyPixArt _model = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384);
        _model.Export();
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    private string Out(string name) => Path.Combine(_model.Folder, name);

    private static void AssertOneLineError((int Code, string Out, string Err) r, params string[] fragments)
    {
        Assert.That(r.Code, Is.Not.EqualTo(0), r.Err);
        var errorLines = r.Err.Split('\n').Where(l => l.StartsWith("jano ", StringComparison.Ordinal)).ToList();
        Assert.That(errorLines, Has.Count.EqualTo(1), r.Err);
        var first = errorLines[0];
        foreach (var f in fragments) Assert.That(first, Does.Contain(f));
        Assert.That(r.Err, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void WritesPngAndSidecar()
    {
        var png = Out("sneaker.png");
        var r = CliRunner.Run("generate", "a sneaker", "--model", _model.Package, "--steps", "3", "--seed", "5", "--out", png, "--threads", "1", "--verbose");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(File.ReadAllBytes(png)[1..4], Is.EqualTo("PNG"u8.ToArray()));
        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(png, ".json")));
        var root = sidecar.RootElement;
        Assert.That(root.GetProperty("prompt").GetString(), Is.EqualTo("a sneaker"));
        Assert.That(root.GetProperty("steps").GetInt32(), Is.EqualTo(3));
        Assert.That(root.GetProperty("seeds")[0].GetInt64(), Is.EqualTo(5));
        Assert.That(root.GetProperty("method").GetString(), Is.EqualTo("dense"));
        Assert.That(root.GetProperty("packageSha256").GetString(), Has.Length.EqualTo(64));
        Assert.That(r.Err, Does.Contain("step   3/3").And.Contain("outside sessions"));
    }

    [Test]
    public void CountWritesAGridOfSeeds()
    {
        var png = Out("grid.png");
        var r = CliRunner.Run("generate", "a bag", "--model", _model.Package, "--steps", "2", "--count", "3", "--out", png, "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        using var image = SixLabors.ImageSharp.Image.Load(png);
        Assert.That(image.Width, Is.EqualTo(2 * 8 + 2), "3 images → 2 columns of 8 pixels and a gap");
    }

    [Test]
    public void EmptyPromptIsRejected() =>
        AssertOneLineError(CliRunner.Run("generate", "  ", "--model", _model.Package, "--out", Out("e.png")), "prompt is empty");

    [Test]
    public void OverLongPromptIsRejectedWithTheLimit()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("boot", 100));
        AssertOneLineError(CliRunner.Run("generate", prompt, "--model", _model.Package, "--steps", "1", "--out", Out("l.png")), "64");
        var r = CliRunner.Run("generate", prompt, "--model", _model.Package, "--steps", "1", "--truncate", "--out", Out("t.png"), "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(0), "--truncate accepts it");
    }

    [Test]
    public void ZeroStepsIsRejected() =>
        AssertOneLineError(CliRunner.Run("generate", "a coat", "--model", _model.Package, "--steps", "0", "--out", Out("z.png")), "steps");

    [Test]
    public void NaNGuidanceIsRejected() =>
        AssertOneLineError(CliRunner.Run("generate", "a coat", "--model", _model.Package, "--guidance", "NaN", "--out", Out("n.png")), "guidance");

    [Test]
    public void UnwritableOutputPathIsRejectedBeforeAnyWork()
    {
        var blocker = Out("a-file");
        File.WriteAllText(blocker, "x");
        AssertOneLineError(CliRunner.Run("generate", "a coat", "--model", _model.Package, "--out", Path.Combine(blocker, "x.png")), "cannot write");
    }

    [Test]
    public void MissingOrAlteredPackageFilesAreNamed()
    {
        var copy = Out("pkg-copy");
        CopyFolder(_model.Package, copy);
        var block = Path.Combine(copy, "block_01.post.onnx");
        var bytes = File.ReadAllBytes(block);
        bytes[^5] ^= 0x40; // same size, different content: only the hash can tell
        File.WriteAllBytes(block, bytes);
        AssertOneLineError(CliRunner.Run("generate", "a coat", "--model", copy, "--out", Out("m.png")), "block_01.post.onnx", "altered");
        File.AppendAllText(block, "x");
        AssertOneLineError(CliRunner.Run("generate", "a coat", "--model", copy, "--out", Out("m.png")), "block_01.post.onnx", "truncated");
        File.Copy(Path.Combine(_model.Package, "block_01.post.onnx"), block, overwrite: true);
        File.Delete(Path.Combine(copy, "final.onnx"));
        AssertOneLineError(CliRunner.Run("generate", "a coat", "--model", copy, "--out", Out("m.png")), "final.onnx", "missing");
        AssertOneLineError(CliRunner.Run("generate", "a coat", "--model", Out("nowhere"), "--out", Out("m.png")), "not found");
        File.WriteAllText(Path.Combine(copy, "jano-model.json"), "{ \"format\": ");
        AssertOneLineError(CliRunner.Run("generate", "a coat", "--model", copy, "--out", Out("m.png")), "jano-model.json", "invalid manifest");
    }

    [Test]
    public void JanoRunPrintsItsSummaryAndWritesMaps()
    {
        var png = Out("jano.png");
        var maps = Out("maps");
        var r = CliRunner.Run("generate", "a sandal", "--model", _model.Package, "--steps", "16", "--jano", "--save-maps", maps,
            "--compare-dense", "--out", png, "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("jano steps (F full, M medium, A active): FFFFFFFFAAAMAAFF"));
        Assert.That(r.Out, Does.Contain("ideal (FLOPs)").And.Contain("measured speed-up").And.Contain("PSNR"));
        using var image = SixLabors.ImageSharp.Image.Load(Path.Combine(maps, "maps-seed0.png"));
        Assert.That(image.Width, Is.GreaterThan(3 * 100));
        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(png, ".json")));
        Assert.That(sidecar.RootElement.GetProperty("method").GetString(), Is.EqualTo("jano"));
        Assert.That(sidecar.RootElement.GetProperty("jano").GetProperty("warmup").GetInt32(), Is.EqualTo(7));
    }

    [Test]
    public void InvalidJanoOptionsAreRejected()
    {
        AssertOneLineError(CliRunner.Run("generate", "a sandal", "--model", _model.Package, "--steps", "12", "--static-threshold", "0.5", "--medium-threshold", "0.4", "--out", Out("j.png")), "out of order");
        AssertOneLineError(CliRunner.Run("generate", "a sandal", "--model", _model.Package, "--steps", "8", "--jano", "--out", Out("j.png")), "warmup + cooldown");
        AssertOneLineError(CliRunner.Run("generate", "a sandal", "--model", _model.Package, "--jano-preset", "nope", "--out", Out("j.png")), "nope");
        AssertOneLineError(CliRunner.Run("generate", "a sandal", "--model", _model.Package, "--dense", "--jano", "--out", Out("j.png")), "--dense");
    }

    [Test]
    public void UnknownOptionIsAUsageError()
    {
        var r = CliRunner.Run("generate", "a coat", "--modle", _model.Package);
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("--modle"));
    }

    [Test]
    public void VerifyNamesTheOneAlteredFileAndPassesAnIntactPackage()
    {
        var copy = Out("verify-copy");
        CopyFolder(_model.Package, copy);
        var ok = CliRunner.Run("verify", copy);
        Assert.That(ok.Code, Is.EqualTo(0), ok.Err);
        Assert.That(ok.Out, Does.Contain("every sha256 matches"));
        var final = Path.Combine(copy, "final.onnx");
        var bytes = File.ReadAllBytes(final);
        bytes[bytes.Length / 2] ^= 0x01; // one bit of one byte, same size
        File.WriteAllBytes(final, bytes);
        AssertOneLineError(CliRunner.Run("verify", copy), "final.onnx", "sha256 differs");
    }

    [Test]
    public void AFormatVersion1PackageIsToldToReExport()
    {
        var copy = Out("v1-copy");
        CopyFolder(_model.Package, copy);
        var manifest = Path.Combine(copy, "jano-model.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"formatVersion\": 2", "\"formatVersion\": 1"));
        AssertOneLineError(CliRunner.Run("generate", "a coat", "--model", copy, "--out", Out("v1.png")), "jano-model.json", "format version 1", "re-export");
    }

    [Test]
    public void InfoVerboseSaysHowLongOpeningTook()
    {
        var r = CliRunner.Run("info", _model.Package, "--verbose");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Match(@"opened in \d+\.\d ms"));
    }

    [Test]
    public void ANonSquarePackageGoesFromInitRandomThroughExportToAJanoImage()
    {
        var config = Out("ns-config.json");
        File.WriteAllText(config, """
            { "_class_name": "PixArtTransformer2DModel", "sample_size": 32, "patch_size": 2, "in_channels": 1, "out_channels": 1,
              "num_layers": 2, "num_attention_heads": 2, "attention_head_dim": 16, "cross_attention_dim": 32, "caption_channels": 384,
              "norm_type": "ada_norm_single", "norm_elementwise_affine": false, "norm_eps": 1e-6, "attention_bias": true,
              "activation_fn": "gelu-approximate", "use_additional_conditions": false }
            """);
        var checkpoint = Out("ns-checkpoint");
        var package = Out("ns-package");
        Assert.That(CliRunner.Run("init-random", "--config", config, "--out", checkpoint, "--seed", "3").Code, Is.EqualTo(0));
        var export = CliRunner.Run("export", "--checkpoint", checkpoint, "--out", package, "--sampler", "flow-euler", "--size", "48x32");
        Assert.That(export.Code, Is.EqualTo(0), export.Err);
        Assert.That(export.Out, Does.Contain("48×32 latent, 384 tokens"));
        var png = Out("ns.png");
        var r = CliRunner.Run("generate", "a dress", "--model", package, "--steps", "12", "--jano", "--warmup", "3", "--cooldown", "1", "--out", png, "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        using var image = SixLabors.ImageSharp.Image.Load(png);
        Assert.That((image.Height, image.Width), Is.EqualTo((48, 32)), "48 latent rows, 32 columns");
        Assert.That(r.Out, Does.Contain("jano"));
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }

    [Test]
    public void ExportRejectsAnUnknownDtypeAndPreset()
    {
        AssertOneLineError(CliRunner.Run("export", "--checkpoint", _model.Checkpoint, "--out", Out("p8"), "--dtype", "fp8"), "--dtype", "fp8");
        AssertOneLineError(CliRunner.Run("export", "--checkpoint", _model.Checkpoint, "--out", Out("pw"), "--sampler", "flow-euler", "--jano-preset", "warp"), "warp");
        Assert.That(Directory.Exists(Out("p8")) || Directory.Exists(Out("pw")), Is.False, "nothing written");
    }

    [Test]
    public void ExportFp16WritesAHalfPackageThatGenerates()
    {
        var package = Out("half");
        var e = CliRunner.Run("export", "--checkpoint", _model.Checkpoint, "--out", package, "--sampler", "flow-euler", "--dtype", "fp16");
        Assert.That(e.Code, Is.EqualTo(0), e.Err);
        var info = CliRunner.Run("info", package);
        Assert.That(info.Out, Does.Contain("dtype float16"));
        var r = CliRunner.Run("generate", "a sneaker", "--model", package, "--steps", "3", "--out", Out("half.png"), "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
    }
}
