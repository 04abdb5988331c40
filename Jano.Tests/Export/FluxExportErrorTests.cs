using System.Text.Json.Nodes;
using Jano.Export;
using Jano.Export.Flux;
using Jano.Export.Pipelines;
using Jano.Tests.Golden;

namespace Jano.Tests.Export;

/// <summary>
/// FLUX's bad inputs at export and init-random: one line naming the file or flag, the value and what is
/// allowed, and nothing written.
/// </summary>
[TestFixture]
public sealed class FluxExportErrorTests : TempFolderTests
{
    private string Output => Path.Combine(Folder.Path, "out");

    private void AssertNothingWritten() =>
        Assert.That(Directory.Exists(Output) && Directory.EnumerateFileSystemEntries(Output).Any(), Is.False, "nothing written");

    private static JsonObject Config(string folder = "dev") =>
        JsonNode.Parse(File.ReadAllText(GoldenFixtures.PathOf($"flux/{folder}/config.json")))!.AsObject();

    [TestCase(new[] { 4, 6, 8 }, "axes [4, 6, 8] sum to 18, but the attention heads have 16 channels")]
    [TestCase(new[] { 4, 5, 7 }, "axes [4, 5, 7] must all be positive and even")]
    [TestCase(new[] { 8, 8 }, "has 2 axes; FLUX's ids have 3")]
    public void RopeAxesThatDoNotFitTheHeadAreRefusedNamingTheField(int[] axes, string problem)
    {
        var root = Config();
        root["axes_dims_rope"] = new JsonArray(axes.Select(a => (JsonNode)a).ToArray());
        var e = Assert.Throws<ExportException>(() => FluxConfig.Parse(root, "config.json"));
        Assert.That(e!.Message, Does.StartWith($"config.json: field 'axes_dims_rope' {problem}"));
        Assert.That(e.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public void InitRandomRefusesRopeAxesThatDoNotFitBeforeWriting()
    {
        var file = Path.Combine(Folder.Path, "t.json");
        File.WriteAllText(file, """{ "axes_dims_rope": [4, 4, 4] }""");
        var e = Assert.Throws<ExportException>(() => FluxRandomPipeline.Write(FluxRandomPipeline.DevName, Output, 0, file));
        Assert.That(e!.Message, Does.Contain("field 'axes_dims_rope' axes [4, 4, 4] sum to 12, but the attention heads have 16 channels"));
        AssertNothingWritten();
    }

    [TestCase(17, 16)]
    [TestCase(16, 9)]
    public void ASizeThatDoesNotPackTwoByTwoIsRefused(int height, int width)
    {
        var e = Assert.Throws<ExportException>(() => FluxExporter.Export(GoldenFixtures.PathOf("flux/dev"), Output, 6, new ExportOptions { Size = (height, width), Sampler = "flow-euler" }));
        Assert.That(e!.Message, Is.EqualTo($"--size {height}x{width}: a FLUX latent packs 2×2, so both sides must be positive and even"));
        AssertNothingWritten();
    }

    [Test]
    public void GuidanceGivenToASchnellPackageIsRefused()
    {
        var e = Assert.Throws<ExportException>(() => FluxExporter.Export(GoldenFixtures.PathOf("flux/schnell"), Output, 6,
            new ExportOptions { Size = (8, 8), Sampler = "flow-euler", DefaultGuidance = 3.5, WholeGraph = false }));
        Assert.That(e!.Message, Does.StartWith("--guidance 3.5: this transformer takes no guidance"));
        AssertNothingWritten();
    }

    [TestCase(513)]
    [TestCase(0)]
    public void MoreThan512T5TokensAreRefused(int tokens)
    {
        var pipeline = Path.Combine(Folder.Path, "pipeline");
        FluxRandomPipeline.Write(FluxRandomPipeline.DevName, pipeline, 0);
        var e = Assert.Throws<ExportException>(() => FluxPipelineExporter.Export(pipeline, Output, new ExportOptions { MaxSequenceLength = tokens, Size = (16, 16) }));
        Assert.That(e!.Message, Is.EqualTo($"--max-sequence-length {tokens}: the T5 length must be between 1 and 512 (FluxPipeline refuses more)"));
        AssertNothingWritten();
    }

    [Test]
    public void TrueCfgForAPackageWithClassifierFreeGuidanceIsRefused()
    {
        var e = Assert.Throws<ExportException>(() => Jano.Export.PixArt.PixArtExporter.Export(Path.Combine(Jano.Cli.DefaultModel.Locate(), "diffusers"), Output,
            new ExportOptions { Sampler = "flow-euler", DefaultTrueCfg = 2, WholeGraph = false }));
        Assert.That(e!.Message, Does.StartWith("--true-cfg 2: only for FLUX packages"));
        AssertNothingWritten();
    }

    [Test]
    public void APipelineWhoseVaeDoesNotMatchThePackedChannelsIsRefusedNamingTheField()
    {
        var pipeline = Path.Combine(Folder.Path, "pipeline");
        FluxRandomPipeline.Write(FluxRandomPipeline.DevName, pipeline, 0);
        var vae = Path.Combine(pipeline, "vae", "config.json");
        var root = JsonNode.Parse(File.ReadAllText(vae))!.AsObject();
        root["latent_channels"] = 4;
        File.WriteAllText(vae, root.ToJsonString());
        var e = Assert.Throws<ExportException>(() => FluxPipelineExporter.Export(pipeline, Output, new ExportOptions { Size = (16, 16) }));
        Assert.That(e!.Message, Does.EndWith("field 'latent_channels' is 4, but the transformer takes 64 packed channels = 4 × 16 (" + Path.Combine(pipeline, "transformer", "config.json") + ": 'in_channels')"));
        AssertNothingWritten();
    }
}
