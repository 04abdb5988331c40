using Jano.Export.PixArt;

namespace Jano.Tests.Export;

/// <summary>
/// Every exported stage graph, run in ONNX Runtime (CPU), against the plain reference forward: one test
/// body per package dtype. Float16 packages round weights and activations to halves (relative step
/// 2⁻¹¹ each), so their tolerance is about a hundred of those steps rather than float32's.
/// </summary>
[TestFixture("float32", 1e-4)]
[TestFixture("float16", 1.5e-2)]
public sealed class PixArtStageGraphTests(string dtype, double tolerance)
{
    private TinyPixArt _model = null!;
    private PixArtReference _ref = null!;
    private int D => _model.Config.HiddenSize;

    [OneTimeSetUp]
    public void Export()
    {
        // Learned-sigma output (out = 2·in) and a caption width unlike the model width, to catch layout mix-ups.
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 2, outChannels: 4, caption: 12);
        _model.Export(dtype);
        _ref = new PixArtReference(_model.Config, _model.Weights);
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    /// <summary>Relative closeness of the graphs to the double reference, at the fixture's dtype tolerance (or a looser one given).</summary>
    private void AssertClose(float[] actual, double[] expected, string what, double? looser = null)
    {
        var scale = Math.Max(1.0, expected.Max(Math.Abs));
        Assert.That(TestData.MaxAbsDiff(actual, expected), Is.LessThanOrEqualTo(Math.Max(tolerance, looser ?? 0) * scale), what);
    }

    [Test]
    public void EmbedMatchesPatchConvolutionPlusPositions()
    {
        var c = _model.Config;
        var images = new[] { TestData.Normal(c.InChannels * c.SampleSize * c.SampleSize, 1), TestData.Normal(c.InChannels * c.SampleSize * c.SampleSize, 2) };
        var patches = images.SelectMany(i => Patchify(i, c)).ToArray();
        var positions = _ref.Positions().Select(v => (float)v).ToArray();
        var outputs = OnnxRunner.Run(_model.PackageFile("embed.onnx"),
            ("patches", patches, [2, c.Tokens, c.PatchInputWidth]), ("positions", positions, [c.Tokens, D]));
        AssertClose(outputs["hidden"], TestData.Concat(images.Select(i => _ref.Embed(TestData.ToDouble(i))).ToArray()), "hidden");
    }

    [Test]
    public void EmbedOfATokenSubsetEqualsTheSameRowsOfTheFullEmbedding()
    {
        var c = _model.Config;
        var image = TestData.Normal(c.InChannels * c.SampleSize * c.SampleSize, 3);
        var all = Patchify(image, c);
        var positions = _ref.Positions();
        int[] subset = [13, 2, 7, 0, 9];
        var p = c.PatchInputWidth;
        var patches = subset.SelectMany(t => all.Skip(t * p).Take(p)).ToArray();
        var rows = subset.SelectMany(t => positions.Skip(t * D).Take(D).Select(v => (float)v)).ToArray();
        var outputs = OnnxRunner.Run(_model.PackageFile("embed.onnx"), ("patches", patches, [1, subset.Length, p]), ("positions", rows, [subset.Length, D]));
        var full = _ref.Embed(TestData.ToDouble(image));
        AssertClose(outputs["hidden"], subset.SelectMany(t => full.Skip(t * D).Take(D)).ToArray(), "subset rows");
    }

    [Test]
    public void CondGivesBothModulationVectors()
    {
        float[] t = [3.5f, 870f];
        var outputs = OnnxRunner.Run(_model.PackageFile("cond.onnx"), ("timestep", t, [2]));
        var expected = t.Select(v => _ref.Condition(v)).ToArray();
        AssertClose(outputs["t_mod"], TestData.Concat(expected.Select(e => e.TMod).ToArray()), "t_mod");
        AssertClose(outputs["t_emb"], TestData.Concat(expected.Select(e => e.TEmb).ToArray()), "t_emb");
    }

    [Test]
    public void ContextGivesEveryLayersCrossKeysAndValues()
    {
        const int l = 3;
        var text = TestData.Normal(2 * l * _model.Config.CaptionChannels, 4);
        var outputs = OnnxRunner.Run(_model.PackageFile("context.onnx"), ("text_states", text, [2, l, _model.Config.CaptionChannels]));
        var per = l * _model.Config.CaptionChannels;
        var captions = Enumerable.Range(0, 2).Select(b => _ref.Caption(TestData.ToDouble(text[(b * per)..((b + 1) * per)]), l)).ToArray();
        for (var i = 0; i < _model.Config.NumLayers; i++)
        {
            var kv = captions.Select(cap => _ref.CrossKeyValues(i, cap, l)).ToArray();
            AssertClose(outputs[Jano.Core.Stages.StageRoles.Names.CrossKeyOf(i)], TestData.Concat(kv.Select(x => x.K).ToArray()), $"k {i}");
            AssertClose(outputs[Jano.Core.Stages.StageRoles.Names.CrossValueOf(i)], TestData.Concat(kv.Select(x => x.V).ToArray()), $"v {i}");
        }
    }

    [TestCase(0)]
    [TestCase(1)]
    public void PreGivesQueriesKeysValues(int layer)
    {
        const int n = 5;
        var hidden = TestData.Normal(2 * n * D, 10 + layer);
        var tMod = TestData.Normal(2 * 6 * D, 20 + layer, 0.5);
        var outputs = OnnxRunner.Run(_model.PackageFile($"block_{layer:D2}.pre.onnx"), ("hidden", hidden, [2, n, D]), ("t_mod", tMod, [2, 6 * D]));
        var expected = Enumerable.Range(0, 2).Select(b => _ref.Pre(layer, TestData.ToDouble(hidden[(b * n * D)..((b + 1) * n * D)]), TestData.ToDouble(tMod[(b * 6 * D)..((b + 1) * 6 * D)]))).ToArray();
        AssertClose(outputs["q"], TestData.Concat(expected.Select(e => e.Q).ToArray()), "q");
        AssertClose(outputs["k"], TestData.Concat(expected.Select(e => e.K).ToArray()), "k");
        AssertClose(outputs["v"], TestData.Concat(expected.Select(e => e.V).ToArray()), "v");
    }

    [TestCase(0)]
    [TestCase(1)]
    public void PostAppliesResidualsCrossAttentionAndMlp(int layer)
    {
        const int n = 5, l = 3;
        var hidden = TestData.Normal(2 * n * D, 30 + layer);
        var attention = TestData.Normal(2 * n * D, 40 + layer);
        var tMod = TestData.Normal(2 * 6 * D, 50 + layer, 0.5);
        var ck = TestData.Normal(2 * l * D, 60 + layer);
        var cv = TestData.Normal(2 * l * D, 70 + layer);
        var outputs = OnnxRunner.Run(_model.PackageFile($"block_{layer:D2}.post.onnx"),
            ("hidden", hidden, [2, n, D]), ("attention", attention, [2, n, D]), ("t_mod", tMod, [2, 6 * D]),
            ("cross_k", ck, [2, l, D]), ("cross_v", cv, [2, l, D]), ("cross_bias", new float[2 * l], [2, l]));
        double[] Item(float[] a, int b, int rows) => TestData.ToDouble(a[(b * rows * D)..((b + 1) * rows * D)]);
        var expected = Enumerable.Range(0, 2).Select(b => _ref.Post(layer, Item(hidden, b, n), Item(attention, b, n), Item(tMod, b, 6), Item(ck, b, l), Item(cv, b, l), l)).ToArray();
        AssertClose(outputs["hidden_out"], TestData.Concat(expected), "hidden_out");
    }

    [Test]
    public void MaskedCaptionPaddingEqualsTheUnpaddedCaption()
    {
        // Item 0 has 2 real caption tokens padded to 4 with junk keys the bias masks; item 1 has 4.
        const int n = 3, l = 4, real = 2;
        var hidden = TestData.Normal(2 * n * D, 85);
        var attention = TestData.Normal(2 * n * D, 86);
        var tMod = TestData.Normal(6 * D, 87, 0.5); // one modulation row shared by both items (broadcast)
        var ck = TestData.Normal(2 * l * D, 88);
        var cv = TestData.Normal(2 * l * D, 89);
        var bias = new float[2 * l];
        bias[real] = bias[real + 1] = -1e9f;
        var padded = OnnxRunner.Run(_model.PackageFile("block_00.post.onnx"),
            ("hidden", hidden, [2, n, D]), ("attention", attention, [2, n, D]), ("t_mod", tMod, [1, 6 * D]),
            ("cross_k", ck, [2, l, D]), ("cross_v", cv, [2, l, D]), ("cross_bias", bias, [2, l]))["hidden_out"];
        var alone = OnnxRunner.Run(_model.PackageFile("block_00.post.onnx"),
            ("hidden", hidden[..(n * D)], [1, n, D]), ("attention", attention[..(n * D)], [1, n, D]), ("t_mod", tMod, [1, 6 * D]),
            ("cross_k", ck[..(real * D)], [1, real, D]), ("cross_v", cv[..(real * D)], [1, real, D]), ("cross_bias", new float[real], [1, real]))["hidden_out"];
        Assert.That(TestData.MaxAbsDiff(padded[..(n * D)], alone), Is.LessThanOrEqualTo(1e-5));
        var expected = _ref.Post(0, TestData.ToDouble(hidden[(n * D)..]), TestData.ToDouble(attention[(n * D)..]), TestData.ToDouble(tMod),
            TestData.ToDouble(ck[(l * D)..]), TestData.ToDouble(cv[(l * D)..]), l);
        AssertClose(padded[(n * D)..], expected, "unpadded item with the shared modulation row");
    }

    [Test]
    public void FinalGivesPatchOutputs()
    {
        const int n = 5;
        var hidden = TestData.Normal(2 * n * D, 80);
        var tEmb = TestData.Normal(2 * D, 81);
        var outputs = OnnxRunner.Run(_model.PackageFile("final.onnx"), ("hidden", hidden, [2, n, D]), ("t_emb", tEmb, [2, D]));
        var expected = Enumerable.Range(0, 2).Select(b => _ref.Final(TestData.ToDouble(hidden[(b * n * D)..((b + 1) * n * D)]), TestData.ToDouble(tEmb[(b * D)..((b + 1) * D)]))).ToArray();
        AssertClose(outputs["patch_out"], TestData.Concat(expected), "patch_out");
    }

    [Test]
    public void WholeModelGraphMatchesTheReferenceForward()
    {
        var c = _model.Config;
        const int l = 4;
        var per = c.InChannels * c.SampleSize * c.SampleSize;
        var sample = TestData.Normal(2 * per, 90);
        float[] t = [999f, 250f];
        var text = TestData.Normal(2 * l * c.CaptionChannels, 91);
        var outputs = OnnxRunner.Run(_model.PackageFile("model.onnx"),
            ("sample", sample, [2, c.InChannels, c.SampleSize, c.SampleSize]), ("timestep", t, [2]), ("text_states", text, [2, l, c.CaptionChannels]));
        var tp = l * c.CaptionChannels;
        var expected = Enumerable.Range(0, 2).Select(b => _ref.Forward(TestData.ToDouble(sample[(b * per)..((b + 1) * per)]), t[b], TestData.ToDouble(text[(b * tp)..((b + 1) * tp)]), l)).ToArray();
        AssertClose(outputs["out"], TestData.Concat(expected), "out", 1e-3);
    }

    [Test]
    public void StagesChainedWithPlainAttentionEqualTheWholeModelGraph()
    {
        var c = _model.Config;
        const int l = 4;
        var per = c.InChannels * c.SampleSize * c.SampleSize;
        var sample = TestData.Normal(2 * per, 95);
        float[] t = [500f, 17f];
        var text = TestData.Normal(2 * l * c.CaptionChannels, 96);
        var whole = OnnxRunner.Run(_model.PackageFile("model.onnx"),
            ("sample", sample, [2, c.InChannels, c.SampleSize, c.SampleSize]), ("timestep", t, [2]), ("text_states", text, [2, l, c.CaptionChannels]))["out"];

        var chained = StageChain.Run(_model, sample, t, text, l);
        var scale = Math.Max(1.0, whole.Max(Math.Abs));
        Assert.That(TestData.MaxAbsDiff(chained, whole), Is.LessThanOrEqualTo(tolerance * scale));
    }

    /// <summary>[C, S, S] → [N, p·p·C], tokens row-major, values ordered (row in patch, column in patch, channel).</summary>
    public static float[] Patchify(float[] image, PixArtConfig c)
    {
        int p = c.PatchSize, g = c.GridSize, s = c.SampleSize, ch = c.InChannels;
        var patches = new float[c.Tokens * c.PatchInputWidth];
        for (var row = 0; row < g; row++)
            for (var col = 0; col < g; col++)
                for (var i = 0; i < p; i++)
                    for (var j = 0; j < p; j++)
                        for (var k = 0; k < ch; k++)
                            patches[(row * g + col) * c.PatchInputWidth + (i * p + j) * ch + k] = image[(k * s + row * p + i) * s + col * p + j];
        return patches;
    }
}
