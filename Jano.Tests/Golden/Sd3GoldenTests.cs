using Jano.Export.Sd3;
using Jano.Runtime.Onnx;
using Jano.Tests.Export;

namespace Jano.Tests.Golden;

/// <summary>
/// The exported SD3 whole graph (model.onnx) against diffusers' SD3Transformer2DModel itself
/// (v0.32.2, tiny random configs, tools/golden/gen_sd3.py): square and non-square latents (the
/// position table cropped at the centre), the SD3.5-like qk RMS norm, and SD3.5's MMDiT-X dual
/// attention (attn2 in layers 0, 1 and the last of 4). Both batch items run
/// as one batch. Tolerance: fp32 ≤ 1e-4 relative to the output's largest value.
/// </summary>
[TestFixture]
public sealed class Sd3GoldenTests
{
    private const double Tolerance = 1e-4;

    [TestCase("sd3/base", "io.safetensors")]
    [TestCase("sd3/base", "io_nonsquare.safetensors")]
    [TestCase("sd3/sd35", "io.safetensors")]
    [TestCase("sd3/sd35_dual", "io.safetensors")]
    public void TheWholeGraphGivesDiffusersOutput(string folder, string ioFile)
    {
        using var io = GoldenFixtures.Open($"{folder}/{ioFile}");
        var s = io.Get("hidden_states").Shape;
        var text = io.Get("encoder_hidden_states").Shape;
        var pooled = io.Get("pooled_projections").Shape;
        using var temp = new TempFolder();
        var model = Path.Combine(temp.Path, "model.onnx");
        Sd3Exporter.ExportWholeGraph(GoldenFixtures.PathOf(folder), model, (int)s[2], (int)s[3]);
        var output = OnnxRunner.Run(model,
            ("sample", io.ReadAsFloat32("hidden_states"), s.Select(x => (int)x).ToArray()),
            ("timestep", io.ReadAsFloat32("timestep"), [(int)s[0]]),
            ("text_states", io.ReadAsFloat32("encoder_hidden_states"), text.Select(x => (int)x).ToArray()),
            ("pooled", io.ReadAsFloat32("pooled_projections"), pooled.Select(x => (int)x).ToArray()))["out"];
        var error = GoldenFixtures.RelativeError(output, io.ReadAsFloat32("output"));
        TestContext.Out.WriteLine($"{folder}/{ioFile}: whole graph relative error {error:E2}");
        Assert.That(error, Is.LessThanOrEqualTo(Tolerance));
    }

    [Test]
    public void DualAttentionLayersAreReadInAscendingOrderTheLastLayerIncluded()
    {
        var config = Sd3Config.Parse(ConfigWithDual(3, 0), "config.json");
        Assert.That(config.DualAttentionLayers, Is.EqualTo(new[] { 0, 3 }));
        Assert.That(Enumerable.Range(0, 4).Select(config.IsDual), Is.EqualTo(new[] { true, false, false, true }));
    }

    [TestCase(new[] { 0, 4 }, "names layer 4; layers are 0 to 3")]
    [TestCase(new[] { -1 }, "names layer -1; layers are 0 to 3")]
    [TestCase(new[] { 1, 0, 1 }, "names a layer more than once")]
    public void ABadDualAttentionLayerIsRefusedNamingTheField(int[] layers, string problem)
    {
        var root = ConfigWithDual(layers);
        var e = Assert.Throws<Jano.Export.ExportException>(() => Sd3Config.Parse(root, "config.json"));
        Assert.That(e!.Message, Does.StartWith("config.json: field 'dual_attention_layers' " + problem));
    }

    [Test]
    public void ADualCheckpointReadAsPlainSd3NamesTheTensorThatDoesNotFit()
    {
        using var temp = new TempFolder();
        foreach (var file in Directory.GetFiles(GoldenFixtures.PathOf("sd3/sd35_dual")))
            File.Copy(file, Path.Combine(temp.Path, Path.GetFileName(file)));
        var path = Path.Combine(temp.Path, "config.json");
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        root["dual_attention_layers"] = new System.Text.Json.Nodes.JsonArray(0, 1); // layer 3's attn2 left over
        File.WriteAllText(path, root.ToJsonString());
        var e = Assert.Throws<Jano.Export.Checkpoints.CheckpointException>(() => Sd3Exporter.Load(temp.Path));
        Assert.That(e!.Message, Does.Contain("tensor 'transformer_blocks.3.norm1.linear.weight' has shape [144, 16], expected [96, 16]"));
    }

    /// <summary>The SD3.5-like fixture's config with 4 layers and the given dual_attention_layers.</summary>
    private static System.Text.Json.Nodes.JsonObject ConfigWithDual(params int[] layers)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(GoldenFixtures.PathOf("sd3/sd35/config.json")))!.AsObject();
        root["num_layers"] = 4;
        root["dual_attention_layers"] = new System.Text.Json.Nodes.JsonArray(layers.Select(l => (System.Text.Json.Nodes.JsonNode)l).ToArray());
        return root;
    }
}
