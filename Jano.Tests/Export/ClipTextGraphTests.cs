using Jano.Core.Stages;
using Jano.Export;
using Jano.Export.Encoders.Clip;
using Jano.Export.Onnx;
using Jano.Export.Onnx.Proto;
using Jano.Tests.Golden;

namespace Jano.Tests.Export;

/// <summary>
/// The exported CLIP text encoder graph against the plain double-precision <see cref="ClipReference"/>,
/// on random checkpoints of each variant (projection or not, quick_gelu or gelu, first-EOS or legacy
/// argmax pooling), float32 and float16. Ids are chosen so the two pooling rules pick different
/// positions. Tolerance relative to each output's largest value: float32 1e-4 (accumulation order);
/// float16 5e-3 (half weights and residual stream, float32 norms and softmax).
/// </summary>
[TestFixture]
public sealed class ClipTextGraphTests
{
    private const int L = 16;

    public sealed record Variant(bool Projection, ClipActivation Act, int Eos, OnnxElementType Compute)
    {
        public override string ToString() => $"{(Projection ? "projection" : "plain")}-{Act}-eos{Eos}-{Compute}";
    }

    private static IEnumerable<TestCaseData> Variants() =>
        from compute in new[] { OnnxElementType.Float, OnnxElementType.Float16 }
        from v in new[] { new Variant(false, ClipActivation.QuickGelu, 50, compute), new Variant(true, ClipActivation.Gelu, 2, compute),
                          new Variant(true, ClipActivation.QuickGelu, 50, compute), new Variant(false, ClipActivation.Gelu, 2, compute) }
        select new TestCaseData(v).SetArgDisplayNames(v.ToString());

    /// <summary>Three rows of L: padded, one where argmax and first EOS differ, one full.</summary>
    private static long[][] Rows(int eos)
    {
        static long[] Pad(long[] head, long fill) => [.. head, .. Enumerable.Repeat(fill, L - head.Length)];
        if (eos != 2)
            return [Pad([62, 5, 9, 33, eos], eos), Pad([62, 7, 60, 63, 12, eos], 0), [62, .. Enumerable.Range(3, L - 2).Select(i => (long)i), eos]];
        return [Pad([62, 2, 7, 2, 9, 63], 0), Pad([62, 4, 63], 63), [62, .. Enumerable.Range(3, L - 2).Select(i => (long)i), 63]];
    }

    [TestCaseSource(nameof(Variants))]
    public void TheGraphMatchesTheReference(Variant v)
    {
        var config = TinyClip.Shape(v.Projection, v.Act, v.Eos, positions: L);
        using var clip = new TinyClip(config, seed: 7, v.Compute);
        var rows = Rows(v.Eos);
        var outputs = TinyClip.Run(clip.Graph, rows.SelectMany(r => r).ToArray(), rows.Length);
        var reference = rows.Select(r => new ClipReference(config, clip.Weights).Forward(r)).ToArray();

        var expectedOutputs = ClipTextStages.For(v.Projection).Outputs;
        Assert.That(outputs.Keys, Is.EquivalentTo(expectedOutputs));
        var tolerance = v.Compute == OnnxElementType.Float ? 1e-4 : 5e-3;
        Check(outputs[ClipTextStages.LastHiddenState], reference.SelectMany(r => r.Last), tolerance, "last_hidden_state");
        Check(outputs[ClipTextStages.PenultimateHiddenState], reference.SelectMany(r => r.Penultimate), tolerance, "penultimate_hidden_state");
        Check(outputs[ClipTextStages.Pooled], reference.SelectMany(r => r.Pooled), tolerance, "pooled");
        if (v.Projection)
            Check(outputs[ClipTextStages.TextEmbeds], reference.SelectMany(r => r.TextEmbeds!), tolerance, "text_embeds");

        // Row 1 is where the rules differ: first EOS at 5 (eos 50), argmax at 2 (eos 2: the first 63, not the first 2).
        Assert.That(reference[1].PoolPosition, Is.EqualTo(v.Eos == 2 ? 2 : 5));
        Assert.That(reference[0].PoolPosition, Is.EqualTo(v.Eos == 2 ? 5 : 4));
    }

    private static void Check(float[] actual, IEnumerable<double> expected, double tolerance, string name)
    {
        var e = expected.Select(x => (float)x).ToArray();
        var error = GoldenFixtures.RelativeError(actual, e);
        TestContext.Out.WriteLine($"{name}: relative error {error:E2}");
        Assert.That(error, Is.LessThan(tolerance), name);
    }

    [Test]
    public void PenultimateIsTheEmbeddingsForOneLayer()
    {
        var config = TinyClip.Shape(false, ClipActivation.QuickGelu, 50, positions: L, layers: 1);
        using var clip = new TinyClip(config, seed: 3);
        long[] ids = [62, 5, 9, 50, .. Enumerable.Repeat(50L, L - 4)];
        var outputs = TinyClip.Run(clip.Graph, ids, 1);
        var embeddings = new float[L * config.HiddenSize];
        for (var t = 0; t < L; t++)
            for (var j = 0; j < config.HiddenSize; j++)
                embeddings[t * config.HiddenSize + j] = clip.Weights.TokenEmbedding[ids[t] * config.HiddenSize + j] + clip.Weights.PositionEmbedding[t * config.HiddenSize + j];
        Assert.That(GoldenFixtures.RelativeError(outputs[ClipTextStages.PenultimateHiddenState], embeddings), Is.LessThan(1e-6));
    }

    [Test]
    public void HalfGraphsKeepNormsMaskAndSoftmaxInFloat32()
    {
        var config = TinyClip.Shape(true, ClipActivation.Gelu, 2, positions: L);
        using var clip = new TinyClip(config, seed: 5, OnnxElementType.Float16);
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(clip.Graph)).Graph;
        foreach (var init in graph.Initializer.Where(i => i.DataType != (int)OnnxElementType.Int64))
        {
            var float32 = init.Name.Contains("layer_norm", StringComparison.Ordinal) || init.Name == "causal_mask";
            Assert.That(init.DataType, Is.EqualTo((int)(float32 ? OnnxElementType.Float : OnnxElementType.Float16)), init.Name);
        }
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        // float32 here: made by a Cast to float, or an Add of such a value and the float32 mask.
        bool IsFloat32(string value) => producers.TryGetValue(value, out var node) && (node.OpType == "Cast"
            ? node.Attribute.Single(a => a.Name == "to").I == (long)OnnxElementType.Float
            : node.OpType == "Add" && IsFloat32(node.Input[0]));
        var checkedNodes = graph.Node.Where(n => n.OpType is "Softmax" or "LayerNormalization").ToList();
        Assert.That(checkedNodes, Has.Count.EqualTo(2 * config.NumLayers + 1 + config.NumLayers));
        foreach (var node in checkedNodes)
            Assert.That(IsFloat32(node.Input[0]), $"{node.Name} reads {node.Input[0]}, which must be float32");
        Assert.That(graph.Output.Select(o => o.Type.TensorType.ElemType), Is.All.EqualTo((int)OnnxElementType.Float));
    }

    [TestCase("hidden_act", "\"relu\"", "only 'quick_gelu' and 'gelu'")]
    [TestCase("architectures", "[\"CLIPModel\"]", "only CLIPTextModel and CLIPTextModelWithProjection")]
    [TestCase("architectures", "\"CLIPTextModel\"", "must be a list of one class name")]
    [TestCase("model_type", "\"clip\"", "only 'clip_text_model'")]
    [TestCase("num_attention_heads", "3", "must divide hidden_size 16")]
    [TestCase("eos_token_id", "64", "outside the vocabulary of 64")]
    [TestCase("layer_norm_eps", "0", "must be a positive number")]
    public void TheConfigReaderNamesTheFieldItRejects(string field, string value, string message)
    {
        var json = ClipRandomCheckpoint.ConfigJson(TinyClip.Shape(false, ClipActivation.QuickGelu, 50));
        json[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        var e = Assert.Throws<ExportException>(() => ClipTextConfig.Parse(json, "te/config.json"))!;
        Assert.That(e.Message, Does.StartWith($"te/config.json: field '{field}'").And.Contain(message));
    }

    [Test]
    public void DefaultsAreCLIPTextConfigs()
    {
        var json = new System.Text.Json.Nodes.JsonObject { ["architectures"] = new System.Text.Json.Nodes.JsonArray("CLIPTextModel") };
        var c = ClipTextConfig.Parse(json, "config.json");
        Assert.That((c.VocabSize, c.HiddenSize, c.IntermediateSize, c.NumLayers, c.NumHeads, c.MaxPositions, c.Activation, c.EosTokenId, c.Pooling),
            Is.EqualTo((49408, 512, 2048, 12, 8, 77, ClipActivation.QuickGelu, 49407, ClipPooling.FirstEos)));
    }

    [Test]
    public void TheRandomCheckpointsConfigReadsBackAsItsShape()
    {
        var shape = TinyClip.Shape(true, ClipActivation.Gelu, 2) with { LayerNormEps = 1e-6f, PadTokenId = 0 };
        var json = System.Text.Json.Nodes.JsonNode.Parse(ClipRandomCheckpoint.ConfigJson(shape).ToJsonString())!.AsObject();
        Assert.That(ClipTextConfig.Parse(json, "config.json"), Is.EqualTo(shape));
        Assert.That(json["layer_norm_eps"]!.ToJsonString(), Is.EqualTo("1E-06"));
    }

    [Test]
    public void AProjectionTheArchitectureDoesNotNameIsAnError()
    {
        using var folder = new TempFolder();
        var withProjection = TinyClip.Shape(true, ClipActivation.QuickGelu, 50);
        ClipRandomCheckpoint.Write(withProjection, folder.Path, 1);
        // The same file under a CLIPTextModel config: text_projection.weight is left over.
        var json = ClipRandomCheckpoint.ConfigJson(withProjection with { WithProjection = false });
        File.WriteAllText(folder.File("config.json"), json.ToJsonString());
        var e = Assert.Throws<ExportException>(() => ClipTextExporter.Load(folder.Path))!;
        Assert.That(e.Message, Does.Contain("1 tensor(s) are not used").And.Contain("text_projection.weight"));
    }

    [Test]
    public void AShapeMismatchNamesTheTensor()
    {
        using var folder = new TempFolder();
        var config = TinyClip.Shape(false, ClipActivation.QuickGelu, 50);
        ClipRandomCheckpoint.Write(config, folder.Path, 1);
        File.WriteAllText(folder.File("config.json"), ClipRandomCheckpoint.ConfigJson(config with { IntermediateSize = 40 }).ToJsonString());
        var e = Assert.Throws<Jano.Export.Checkpoints.CheckpointException>(() => ClipTextExporter.Load(folder.Path))!;
        Assert.That(e.Message, Does.Contain("text_model.encoder.layers.0.mlp.fc1.weight").And.Contain("expected [40, 16]"));
    }
}
