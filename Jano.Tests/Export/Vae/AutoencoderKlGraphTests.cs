using System.Text.Json.Nodes;
using Jano.Core.Packages;
using Jano.Core.Stages;
using Jano.Export.Onnx;
using Jano.Export.Onnx.Proto;
using Jano.Export.Vae;

namespace Jano.Tests.Export.Vae;

/// <summary>
/// The exported decoder graph (ONNX Runtime, CPU) against the double-precision reference on random
/// VAEs that cover each option: post_quant_conv on/off, mid-block attention on/off, 4 and 16 latent
/// channels, shortcut convs, two and three levels, a batch of two, a non-square latent.
/// Tolerance: max |graph − reference| ≤ 1e-4 · max |reference| (float32 against double).
/// </summary>
[TestFixture]
public sealed class AutoencoderKlGraphTests
{
    public const double RelativeTolerance = 1e-4;

    public static IEnumerable<TestCaseData> Configs()
    {
        yield return new TestCaseData(TinyVae.SmallConfig()).SetName("{m}(sd-like, 2 levels)");
        yield return new TestCaseData(TinyVae.SmallConfig(postQuantConv: false, latentChannels: 16, shift: 0.0609, scaling: 1.5305)).SetName("{m}(sd3-like, no post_quant_conv)");
        yield return new TestCaseData(TinyVae.SmallConfig(midAttention: false)).SetName("{m}(no mid attention)");
        yield return new TestCaseData(AutoencoderKlRandomCheckpoint.Config([8, 16, 16], layersPerBlock: 2, groups: 4)).SetName("{m}(3 levels, 3 resnets per block)");
    }

    [TestCaseSource(nameof(Configs))]
    public void GraphMatchesReference(JsonObject config)
    {
        using var vae = new TinyVae(config);
        vae.Export();
        var c = vae.Config;
        var reference = vae.Reference();
        const int h = 6, w = 8, batch = 2;
        var per = c.LatentChannels * h * w;
        var z = TestData.Normal(batch * per, seed: 11);
        var image = OnnxRunner.Run(vae.GraphPath(), (DecoderStages.Latents, z, [batch, c.LatentChannels, h, w]))[DecoderStages.Image];
        var f = c.UpscaleFactor;
        var outPer = c.OutChannels * h * f * w * f;
        Assert.That(image, Has.Length.EqualTo(batch * outPer));
        for (var b = 0; b < batch; b++)
        {
            var expected = reference.Decode(TestData.ToDouble(z[(b * per)..((b + 1) * per)]), h, w);
            var actual = image[(b * outPer)..((b + 1) * outPer)];
            var scale = expected.Max(Math.Abs);
            var error = TestData.MaxAbsDiff(actual, expected);
            TestContext.Out.WriteLine($"item {b}: max |error| {error:E2}, max |reference| {scale:F3}, relative {error / scale:E2}");
            Assert.That(error, Is.LessThanOrEqualTo(RelativeTolerance * scale));
        }
    }

    [Test]
    public void ComponentCarriesScalingAndShiftAndTheGraphItsShape()
    {
        using var vae = new TinyVae(TinyVae.SmallConfig(postQuantConv: false, latentChannels: 16, shift: 0.0609, scaling: 1.5305));
        var component = vae.Export();
        Assert.That(component.Kind, Is.EqualTo(DecoderComponent.AutoencoderKl));
        Assert.That(component.Graph, Is.EqualTo("decoder.onnx"));
        Assert.That(component.ScalingFactor, Is.EqualTo(1.5305));
        Assert.That(component.ShiftFactor, Is.EqualTo(0.0609));

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(vae.GraphPath()));
        Assert.That(model.MetadataProps.Single(p => p.Key == DecoderStages.UpscaleFactorKey).Value, Is.EqualTo("2"));
        Assert.That(model.Graph.Input.Select(i => i.Name), Is.EqualTo(new[] { DecoderStages.Latents }));
        Assert.That(model.Graph.Output.Select(o => o.Name), Is.EqualTo(new[] { DecoderStages.Image }));
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        Assert.That(dims.Select(d => d.DimParam), Is.EqualTo(new[] { "batch", "", "latent_height", "latent_width" }));
        Assert.That(dims[1].DimValue, Is.EqualTo(16));
        Assert.That(model.Graph.Node.Any(n => n.Input.Any(i => i.StartsWith("post_quant_conv"))), Is.False, "no post_quant_conv");
    }

    [Test]
    public void SdScalingDefaultsToNoShift()
    {
        using var vae = new TinyVae(TinyVae.SmallConfig());
        var component = vae.Export();
        Assert.That(component.ScalingFactor, Is.EqualTo(0.18215));
        Assert.That(component.ShiftFactor, Is.EqualTo(0));
    }

    [Test]
    public void DeprecatedAttentionNamesAreRead()
    {
        using var vae = new TinyVae(TinyVae.SmallConfig());
        vae.Export("float32", "current.onnx");
        var renames = new Dictionary<string, string> { ["to_q"] = "query", ["to_k"] = "key", ["to_v"] = "value", ["to_out.0"] = "proj_attn" };
        VaeCheckpointEdits.RewriteWeights(vae.WeightsPath, (name, shape, data) =>
        {
            foreach (var (current, old) in renames)
                name = name.Replace($"attentions.0.{current}.", $"attentions.0.{old}.", StringComparison.Ordinal);
            return (name, shape, data);
        });
        vae.Export("float32", "deprecated.onnx");
        var z = TestData.Normal(4 * 4 * 4, seed: 3);
        float[] Run(string file) => OnnxRunner.Run(vae.GraphPath(file), (DecoderStages.Latents, z, [1, 4, 4, 4]))[DecoderStages.Image];
        Assert.That(Run("deprecated.onnx"), Is.EqualTo(Run("current.onnx")));
    }

    [Test]
    public void Float16GraphKeepsNormStatisticsAndSoftmaxInFloat32AndStaysClose()
    {
        using var vae = new TinyVae(TinyVae.SmallConfig(forceUpcast: false));
        vae.Export("float32", "single.onnx");
        vae.Export("float16", "half.onnx");
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(vae.GraphPath("half.onnx"))).Graph;
        var halves = graph.Initializer.Where(i => i.DataType == (int)OnnxElementType.Float16).Select(i => i.Name).ToList();
        Assert.That(halves, Has.Some.StartsWith("decoder.conv_in.weight"));
        foreach (var init in graph.Initializer.Where(i => i.DataType == (int)OnnxElementType.Float))
            Assert.That(init.Name, Does.StartWith("const_f32"), "float32 initializers are only the norms' unit affine and Resize's scales");
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        foreach (var norm in graph.Node.Where(n => n.OpType is "InstanceNormalization" or "Softmax"))
        {
            var input = producers[norm.Input[0]];
            if (input.OpType == "Reshape") input = producers[input.Input[0]];
            Assert.That(input.OpType, Is.EqualTo("Cast"), $"{norm.Name} reads a float32 cast");
        }

        var z = TestData.Normal(4 * 6 * 8, seed: 4);
        float[] Run(string file) => OnnxRunner.Run(vae.GraphPath(file), (DecoderStages.Latents, z, [1, 4, 6, 8]))[DecoderStages.Image];
        var single = Run("single.onnx");
        var error = TestData.MaxAbsDiff(Run("half.onnx"), single);
        var scale = single.Max(Math.Abs);
        TestContext.Out.WriteLine($"float16 vs float32: max |error| {error:E2}, max |float32| {scale:F3}");
        Assert.That(error, Is.LessThanOrEqualTo(1e-2 * scale));
    }
}
