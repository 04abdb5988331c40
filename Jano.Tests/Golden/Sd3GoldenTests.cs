using Jano.Export.Sd3;
using Jano.Runtime.Onnx;
using Jano.Tests.Export;

namespace Jano.Tests.Golden;

/// <summary>
/// The exported SD3 whole graph (model.onnx) against diffusers' SD3Transformer2DModel itself
/// (v0.32.2, tiny random configs, tools/golden/gen_sd3.py): square and non-square latents (the
/// position table cropped at the centre), and the SD3.5-like qk RMS norm. Both batch items run
/// as one batch. Tolerance: fp32 ≤ 1e-4 relative to the output's largest value.
/// </summary>
[TestFixture]
public sealed class Sd3GoldenTests
{
    private const double Tolerance = 1e-4;

    [TestCase("sd3/base", "io.safetensors")]
    [TestCase("sd3/base", "io_nonsquare.safetensors")]
    [TestCase("sd3/sd35", "io.safetensors")]
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
    public void DualAttentionIsRejectedNamingTheField()
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(GoldenFixtures.PathOf("sd3/base/config.json")))!.AsObject();
        root["dual_attention_layers"] = new System.Text.Json.Nodes.JsonArray(0);
        var e = Assert.Throws<Jano.Export.ExportException>(() => Sd3Config.Parse(root, "config.json"));
        Assert.That(e!.Message, Does.Contain("dual_attention_layers"));
    }
}
