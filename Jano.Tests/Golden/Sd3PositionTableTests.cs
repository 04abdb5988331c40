using Jano.Core.Geometry;
using Jano.Core.IO;
using Jano.Core.Packages;
using Jano.Export;
using Jano.Export.Sd3;
using Jano.Runtime;
using Jano.Runtime.Pipeline;

namespace Jano.Tests.Golden;

/// <summary>
/// SD3's position rows for any size: the centre crop of diffusers' sin-cos table that our generator
/// computes, against the crop of the table diffusers itself stored in the fixtures' checkpoints
/// (pos_embed.pos_embed, 16×16 grid, base size 4), at several grids; and the exporter's decision: a
/// checkpoint whose table is diffusers' gets a sincos-2d-cropped generator, one whose table was
/// trained stays at its exported size, saying so at export and naming the size at generation.
/// </summary>
[TestFixture]
public sealed class Sd3PositionTableTests
{
    [TestCase("sd3/base")]
    [TestCase("sd3/sd35")]
    [TestCase("pipeline/sd3/transformer")]
    public void TheGeneratedCropEqualsTheCheckpointsCropAtSeveralSizes(string folder)
    {
        var (config, weights) = Sd3Exporter.Load(GoldenFixtures.PathOf(folder));
        int max = config.PosEmbedMaxSize, d = config.HiddenSize;
        foreach (var (rows, columns) in new[] { (1, 1), (4, 4), (4, 6), (6, 4), (3, 7), (5, 16), (15, 16), (16, 16) })
        {
            var expected = weights.CroppedPositions(max, rows, columns, d);
            var actual = SinCosPositions2D.CentreCrop(d, max, config.BaseGrid, 1f, rows, columns);
            Assert.That(actual, Has.Length.EqualTo(expected.Length));
            var worst = actual.Zip(expected, (a, b) => Math.Abs(a - (double)b)).Max();
            TestContext.Out.WriteLine($"{folder}: {rows}×{columns} grid, largest difference to diffusers' crop {worst:E2}");
            Assert.That(worst, Is.LessThanOrEqualTo(1e-6), $"{rows}×{columns}");
        }
    }

    [Test]
    public void ACheckpointWithDiffusersTableGetsACroppedGenerator()
    {
        using var temp = new TempFolder();
        var log = new List<string>();
        var manifest = Sd3Exporter.Export(GoldenFixtures.PathOf("sd3/base"), temp.File("package"), 6,
            new ExportOptions { Sampler = "flow-euler", WholeGraph = false, Log = log.Add });
        Assert.That(manifest.Transformer.Positions, Is.EqualTo(new PositionGenerator(PositionGenerator.SinCos2DCropped, 4, 1.0) { MaxSize = 16 }));
        Assert.That(log, Has.Some.Contains("diffusers' sin-cos table").And.Some.Contains("16×16"));
        Assert.That(ModelPackage.Open(temp.File("package")).Manifest.Transformer.Positions!.MaxSize, Is.EqualTo(16), "read back");
    }

    [TestCase("kind", "\"sincos-2d\"", "field 'components.transformer.positions.kind' is 'sincos-2d'; a sd3 package's generator is 'sincos-2d-cropped'")]
    [TestCase("maxSize", "3", "field 'components.transformer.positions.maxSize' is 3, but the package's geometry does not fit: its patch grid 4×4 exceeds")]
    [TestCase("maxSize", "null", "field 'components.transformer.positions.maxSize' must be positive for kind 'sincos-2d-cropped'")]
    public void AManifestWhoseGeneratorCannotServeThePackageDoesNotOpen(string field, string value, string message)
    {
        using var temp = new TempFolder();
        var package = temp.File("package");
        Sd3Exporter.Export(GoldenFixtures.PathOf("sd3/base"), package, 6, new ExportOptions { Sampler = "flow-euler", WholeGraph = false });
        var path = Path.Combine(package, ModelManifest.FileName);
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        node["components"]!["transformer"]!["positions"]![field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        File.WriteAllText(path, node.ToJsonString());
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(package))!;
        Assert.That(e.Message, Does.Contain(message));
    }

    [Test]
    public void ACheckpointWithATrainedTableStaysAtItsExportedSizeAndSaysSo()
    {
        using var temp = new TempFolder();
        var checkpoint = temp.File("checkpoint");
        Directory.CreateDirectory(checkpoint);
        var source = GoldenFixtures.PathOf("sd3/base");
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(checkpoint, "config.json"));
        var tensors = new List<SafetensorsTensor>();
        using (var file = SafetensorsFile.Open(Path.Combine(source, "diffusion_pytorch_model.safetensors")))
        {
            foreach (var (name, entry) in file.Entries)
            {
                var data = file.ReadAsFloat32(name);
                if (name == "pos_embed.pos_embed") data[37] += 1e-3f; // one trained entry
                tensors.Add(SafetensorsTensor.FromFloat32(name, entry.Shape, data));
            }
        }
        SafetensorsWriter.Write(Path.Combine(checkpoint, "diffusion_pytorch_model.safetensors"), tensors);
        var log = new List<string>();
        var package = temp.File("package");
        var manifest = Sd3Exporter.Export(checkpoint, package, 6, new ExportOptions { Sampler = "flow-euler", WholeGraph = false, Log = log.Add });
        Assert.That(manifest.Transformer.Positions, Is.Null);
        Assert.That(log, Has.Some.Contains("differs from diffusers' sin-cos table by up to 1.0E-003").And.Some.Contains("exported size only"));

        using var pipeline = TextToImagePipeline.Open(package, new RuntimeOptions { Threads = 1 });
        var e = Assert.Throws<ArgumentException>(() => pipeline.GeometryFor(new GenerationRequest { Prompt = "", Height = 8, Width = 12 }))!;
        TestContext.Out.WriteLine(e.Message);
        Assert.That(e.Message, Does.Contain("12x8").And.Contain("8x8 only").And.Contain("re-export it with --size").And.Not.Contain("\n"));
        Assert.That(pipeline.GeometryFor(new GenerationRequest { Prompt = "", Height = 8, Width = 8 }).Tokens, Is.EqualTo(16), "its own size runs");
    }
}
