using Jano.Core.Acceleration;
using System.Text.Json;
using Jano.Export;
using Jano.Export.PixArt;
using Jano.Core.IO;

namespace Jano.Tests.Export;

/// <summary>Malformed checkpoints give one clear error naming the file and the field or tensor, and leave no package.</summary>
[TestFixture]
public sealed class PixArtExportErrorTests
{
    private TinyPixArt _model = null!;

    [SetUp]
    public void Create() => _model = new TinyPixArt(layers: 2);

    [TearDown]
    public void Cleanup() => _model.Dispose();

    private string WeightsPath => Path.Combine(_model.Checkpoint, PixArtRandomCheckpoint.WeightsFile);

    private Exception ExportFails()
    {
        var e = Assert.Catch(() => _model.Export())!;
        Assert.That(e, Is.InstanceOf<IOException>(), "errors are IOExceptions the CLI prints as one line");
        Assert.That(Directory.Exists(_model.Package), Is.False, "a failed export leaves no package");
        Assert.That(Directory.GetDirectories(_model.Folder).Where(d => Path.GetFileName(d).StartsWith('.')), Is.Empty, "no temporary folder left behind");
        return e;
    }

    private void RewriteConfig(Action<System.Text.Json.Nodes.JsonObject> change)
    {
        var json = (System.Text.Json.Nodes.JsonObject)_model.ConfigJson.DeepClone();
        change(json);
        File.WriteAllText(Path.Combine(_model.Checkpoint, "config.json"), json.ToJsonString());
    }

    private void RewriteWeights(Func<string, long[], float[], (string, long[], float[])?> change)
    {
        var tensors = new List<SafetensorsTensor>();
        using (var file = SafetensorsFile.Open(WeightsPath))
        {
            foreach (var (name, entry) in file.Entries)
            {
                var changed = change(name, entry.Shape, file.ReadAsFloat32(name));
                if (changed is { } t) tensors.Add(SafetensorsTensor.FromFloat32(t.Item1, t.Item2, t.Item3));
            }
        }
        SafetensorsWriter.Write(WeightsPath, tensors);
    }

    [Test]
    public void TruncatedWeightsFileNamesTheFile()
    {
        var bytes = File.ReadAllBytes(WeightsPath);
        File.WriteAllBytes(WeightsPath, bytes[..(bytes.Length / 2)]);
        Assert.That(ExportFails().Message, Does.Contain(PixArtRandomCheckpoint.WeightsFile));
    }

    [Test]
    public void WrongShapeNamesTheTensorAndBothShapes()
    {
        RewriteWeights((name, shape, data) => name == "transformer_blocks.1.attn1.to_q.weight"
            ? (name, [shape[0], shape[1] / 2], data[..(data.Length / 2)]) : (name, shape, data));
        var message = ExportFails().Message;
        Assert.That(message, Does.Contain("transformer_blocks.1.attn1.to_q.weight"));
        Assert.That(message, Does.Contain("[16, 8]").And.Contain("[16, 16]"));
    }

    [TestCase(float.NaN, "NaN")]
    [TestCase(float.PositiveInfinity, "+Inf")]
    [TestCase(float.MinValue, "-3.40282347E+38")]
    public void NonFiniteOrNearLimitWeightsAreRefusedNamingTheTensor(float bad, string shown)
    {
        RewriteWeights((name, shape, data) =>
        {
            if (name == "transformer_blocks.0.ff.net.2.weight") data[5] = bad;
            return (name, shape, data);
        });
        var message = ExportFails().Message;
        Assert.That(message, Does.Contain("transformer_blocks.0.ff.net.2.weight").And.Contain($"{shown} at element 5").And.Contain("finite"));
    }

    [Test]
    public void MissingTensorIsNamed()
    {
        RewriteWeights((name, shape, data) => name == "caption_projection.linear_2.bias" ? null : (name, shape, data));
        Assert.That(ExportFails().Message, Does.Contain("caption_projection.linear_2.bias").And.Contain(PixArtRandomCheckpoint.WeightsFile));
    }

    [Test]
    public void UnknownFamilyNamesTheField()
    {
        RewriteConfig(json => json["_class_name"] = "FancyTransformer3DModel");
        var message = ExportFails().Message;
        Assert.That(message, Does.Contain("config.json").And.Contain("_class_name").And.Contain("FancyTransformer3DModel"));
    }

    [Test]
    public void ConfigWithFewerLayersThanTheWeightsIsAMismatch()
    {
        RewriteConfig(json => json["num_layers"] = 1);
        var message = ExportFails().Message;
        Assert.That(message, Does.Contain("config/weight mismatch").And.Contain("transformer_blocks.1."));
    }

    [Test]
    public void ConfigWithMoreLayersThanTheWeightsNamesTheMissingTensor()
    {
        RewriteConfig(json => json["num_layers"] = 3);
        Assert.That(ExportFails().Message, Does.Contain("transformer_blocks.2."));
    }

    [Test]
    public void ConfigWidthDisagreeingWithTheWeightsNamesATensor()
    {
        RewriteConfig(json => { json["attention_head_dim"] = 16; json["cross_attention_dim"] = 32; });
        Assert.That(ExportFails().Message, Does.Contain("has shape [").And.Contain("16]").And.Contain("expected [").And.Contain("32]"));
    }

    [Test]
    public void BadConfigValueNamesTheField()
    {
        RewriteConfig(json => json["patch_size"] = 3);
        Assert.That(ExportFails().Message, Does.Contain("patch_size"));
        RewriteConfig(json => json["norm_type"] = "layer_norm");
        Assert.That(ExportFails().Message, Does.Contain("norm_type"));
        File.WriteAllText(Path.Combine(_model.Checkpoint, "config.json"), "{ not json");
        Assert.That(ExportFails().Message, Does.Contain("config.json").And.Contain("invalid JSON"));
    }

    [Test]
    public void ExportReplacesAnExistingPackageButNotOtherFolders()
    {
        _model.Export();
        _model.Export(); // a package may be replaced
        Assert.That(File.Exists(_model.PackageFile("jano-model.json")));
        var other = Path.Combine(_model.Folder, "precious");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "notes.txt"), "keep me");
        var e = Assert.Throws<ExportException>(() => PixArtExporter.Export(_model.Checkpoint, other, new ExportOptions { Sampler = "flow-euler" }))!;
        Assert.That(e.Message, Does.Contain("not a model package"));
        Assert.That(File.ReadAllText(Path.Combine(other, "notes.txt")), Is.EqualTo("keep me"));
    }

    [Test]
    public void ReExportKeepsFilesPeopleAddedBesideThePackage()
    {
        _model.Export();
        File.WriteAllText(_model.PackageFile("MODEL.md"), "# card");
        File.WriteAllText(_model.PackageFile("final.onnx"), "stale"); // a listed file is replaced, not kept
        _model.Export();
        Assert.That(File.ReadAllText(_model.PackageFile("MODEL.md")), Is.EqualTo("# card"));
        Assert.That(new FileInfo(_model.PackageFile("final.onnx")).Length, Is.GreaterThan(100));
        Assert.DoesNotThrow(() => Jano.Core.Packages.ModelPackage.Open(_model.Package));
    }

    [Test]
    public void ManifestRecordsDimsSamplerAndFileHashes()
    {
        var manifest = _model.Export();
        var read = JsonSerializer.Deserialize<Jano.Core.Packages.ModelManifest>(File.ReadAllText(_model.PackageFile("jano-model.json")), Jano.Core.Packages.ModelManifest.JsonOptions)!;
        Assert.That(read.Dims, Is.EqualTo(manifest.Dims));
        Assert.That(read.Sampler!.Kind, Is.EqualTo("flow-euler"));
        Assert.That(read.Files.Select(f => f.Path), Does.Contain("model.onnx").And.Contain("block_01.post.onnx").And.Contain("positions.safetensors"));
        var model = read.Files.Single(f => f.Path == "model.onnx");
        using var stream = File.OpenRead(_model.PackageFile("model.onnx"));
        Assert.That(model.Sha256, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream))));
    }

    [Test]
    public void AnUnknownDefaultPresetIsRejectedBeforeAnythingIsWritten()
    {
        var e = Assert.Throws<ExportException>(() => PixArtExporter.Export(_model.Checkpoint, _model.Package,
            new ExportOptions { Sampler = "flow-euler", DefaultJanoPreset = "warp" }))!;
        Assert.That(e.Message, Does.Contain("'warp'").And.Contain("reference").And.Contain("fast"));
        Assert.That(Directory.Exists(_model.Package), Is.False);
    }

    [Test]
    public void TheChosenDefaultPresetIsRecorded()
    {
        var manifest = PixArtExporter.Export(_model.Checkpoint, _model.Package, new ExportOptions { Sampler = "flow-euler", DefaultJanoPreset = "fast" });
        Assert.That(manifest.DefaultJanoPreset, Is.EqualTo("fast"));
        Assert.That(manifest.JanoPresets!["fast"].MediumThreshold, Is.EqualTo(0.65));
        Assert.That(manifest.JanoPresets!["fast"] with { MediumThreshold = 0.4 }, Is.EqualTo(manifest.JanoPresets["reference"]), "fast is reference but for the medium threshold");
    }
}
