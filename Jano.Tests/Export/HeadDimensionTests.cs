using System.Text.Json.Nodes;
using Jano.Export;
using Jano.Export.PixArt;

namespace Jano.Tests.Export;

/// <summary>A model width the 2-D position table cannot use is refused by init-random as by export, with the one message.</summary>
[TestFixture]
public sealed class HeadDimensionTests
{
    private static readonly string Problem = Jano.Core.Geometry.SinCosPositions2D.WidthProblem(18)!;

    private static string WriteConfig(TempFolder folder)
    {
        var config = new JsonObject
        {
            ["_class_name"] = "PixArtTransformer2DModel", ["sample_size"] = 8, ["patch_size"] = 2, ["in_channels"] = 1, ["out_channels"] = 1,
            ["num_layers"] = 1, ["num_attention_heads"] = 3, ["attention_head_dim"] = 6, ["caption_channels"] = 12,
            ["norm_type"] = "ada_norm_single", ["norm_elementwise_affine"] = false, ["attention_bias"] = true, ["activation_fn"] = "gelu-approximate",
        };
        var path = folder.File("config.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    [Test]
    public void InitRandomRefusesItAndWritesNothing()
    {
        using var folder = new TempFolder();
        var config = WriteConfig(folder);
        var e = Assert.Throws<ExportException>(() => PixArtRandomCheckpoint.Write(config, folder.File("ckpt"), 1))!;
        Assert.That(e.Message, Is.EqualTo($"{config}: field 'attention_head_dim' {Problem}"));
        Assert.That(Directory.Exists(folder.File("ckpt")), Is.False);
    }

    [Test]
    public void ExportRefusesItWithTheSameMessage()
    {
        using var folder = new TempFolder();
        var config = WriteConfig(folder);
        Directory.CreateDirectory(folder.File("ckpt"));
        File.Copy(config, folder.File("ckpt/config.json"));
        var e = Assert.Throws<ExportException>(() => PixArtExporter.Export(folder.File("ckpt"), folder.File("pkg"), new ExportOptions { Sampler = "flow-euler" }))!;
        Assert.That(e.Message, Does.EndWith($"field 'attention_head_dim' {Problem}"));
        Assert.That(Directory.Exists(folder.File("pkg")), Is.False);
    }

    [Test]
    public void InitRandomOfAnSd3PipelineRefusesItAndWritesNothing()
    {
        using var folder = new TempFolder();
        var overrides = folder.File("transformer.json");
        File.WriteAllText(overrides, "{\"num_attention_heads\": 3, \"attention_head_dim\": 6}");
        var e = Assert.Throws<ExportException>(() => Jano.Export.Pipelines.Sd3RandomPipeline.Write("sd3", folder.File("sd3"), 1, overrides))!;
        Assert.That(e.Message, Is.EqualTo($"{overrides}: field 'attention_head_dim' {Problem}"));
        Assert.That(Directory.Exists(folder.File("sd3")), Is.False);
    }

    [Test]
    public void TheMessageNamesTheWidthAndTheRule() =>
        Assert.That(Problem, Does.Contain("model width of 18").And.Contain("multiple of 4"));
}
