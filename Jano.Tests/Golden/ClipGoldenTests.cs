using System.Runtime.InteropServices;
using Jano.Core.IO;
using Jano.Core.Stages;
using Jano.Export.Encoders.Clip;
using Jano.Export.Onnx;
using Jano.Tests.Export;

namespace Jano.Tests.Golden;

/// <summary>
/// The exported CLIP text encoder against two implementations' own outputs on tiny random models:
/// openai/CLIP's text transformer (clip/model.py, saved in transformers' layout by tools/golden/gen_clip.py:
/// clip/l_like: CLIPTextModel, quick_gelu, first-EOS pooling, an item whose largest id is not the EOS, the
/// old position_ids buffer in the file; clip/g_like: WithProjection, gelu, the legacy eos_token_id 2: argmax
/// pooling, a 2 before the EOS) and transformers v4.30.0's CLIPTextModel / CLIPTextModelWithProjection
/// (tools/golden/gen_clip_hf.py, saved by its own save_pretrained: clip-hf/l_like quick_gelu, clip-hf/g_like
/// gelu with projection; rows ending with the largest id, as real tokenizers frame them, since v4.30.0 pools
/// at the argmax). The double-precision <see cref="ClipReference"/> is checked against the same fixtures,
/// so the oracles agree with each other too. Tolerance relative to each output's largest value: float32 1e-4
/// (accumulation order; measured ~3e-7), float16 5e-3 (measured ~7e-4).
/// </summary>
[TestFixture]
public sealed class ClipGoldenTests
{
    private static readonly string[] Cases = ["clip/l_like", "clip/g_like", "clip-hf/l_like", "clip-hf/g_like"];

    private static IEnumerable<TestCaseData> Exports() =>
        from c in Cases
        from compute in new[] { OnnxElementType.Float, OnnxElementType.Float16 }
        select new TestCaseData(c, compute).SetArgDisplayNames($"{c}-{compute}");

    private static long[] Ids(SafetensorsFile io) => MemoryMarshal.Cast<byte, long>(io.ReadRaw("input_ids")).ToArray();

    [TestCaseSource(nameof(Exports))]
    public void TheExportedGraphGivesTheReferenceImplementationsOutputs(string folder, OnnxElementType compute)
    {
        using var io = GoldenFixtures.Open(folder + "/io.safetensors");
        using var temp = new TempFolder();
        var graph = temp.File("clip.onnx");
        var export = ClipTextExporter.Export(GoldenFixtures.PathOf(folder), graph, compute);
        var ids = Ids(io);
        var outputs = TinyClip.Run(graph, ids, (int)io.Get("input_ids").Shape[0]);

        var names = ClipTextStages.For(export.Config.WithProjection).Outputs;
        Assert.That(outputs.Keys, Is.EquivalentTo(names));
        Assert.That(io.Contains(ClipTextStages.TextEmbeds), Is.EqualTo(export.Config.WithProjection));
        var tolerance = compute == OnnxElementType.Float ? 1e-4 : 5e-3;
        foreach (var name in names)
        {
            var error = GoldenFixtures.RelativeError(outputs[name], io.ReadAsFloat32(name));
            TestContext.Out.WriteLine($"{folder} {compute} {name}: relative error {error:E2}");
            Assert.That(error, Is.LessThan(tolerance), name);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void TheDoubleReferenceAgreesWithTheReferenceImplementations(string folder)
    {
        using var io = GoldenFixtures.Open(folder + "/io.safetensors");
        var (config, weights) = ClipTextExporter.Load(GoldenFixtures.PathOf(folder));
        var reference = new ClipReference(config, weights);
        var ids = Ids(io);
        var batch = (int)io.Get("input_ids").Shape[0];
        var l = ids.Length / batch;
        var results = Enumerable.Range(0, batch).Select(b => reference.Forward(ids[(b * l)..((b + 1) * l)])).ToArray();

        var positions = System.Text.Json.JsonSerializer.Deserialize<int[]>(io.Metadata["pool_positions"])!;
        Assert.That(results.Select(r => r.PoolPosition), Is.EqualTo(positions), "pool positions");
        void Check(string name, IEnumerable<double> values)
        {
            var error = GoldenFixtures.RelativeError(values.Select(v => (float)v).ToArray(), io.ReadAsFloat32(name));
            TestContext.Out.WriteLine($"{folder} reference {name}: relative error {error:E2}");
            Assert.That(error, Is.LessThan(1e-4), name);
        }
        Check(ClipTextStages.LastHiddenState, results.SelectMany(r => r.Last));
        Check(ClipTextStages.PenultimateHiddenState, results.SelectMany(r => r.Penultimate));
        Check(ClipTextStages.Pooled, results.SelectMany(r => r.Pooled));
        if (config.WithProjection) Check(ClipTextStages.TextEmbeds, results.SelectMany(r => r.TextEmbeds!));
    }

    [Test]
    public void TheFixturesExerciseBothPoolingRules()
    {
        var l = ClipTextConfig.Load(GoldenFixtures.PathOf("clip/l_like/config.json"));
        var g = ClipTextConfig.Load(GoldenFixtures.PathOf("clip/g_like/config.json"));
        Assert.That((l.Pooling, l.Activation, l.WithProjection), Is.EqualTo((ClipPooling.FirstEos, ClipActivation.QuickGelu, false)));
        Assert.That((g.Pooling, g.Activation, g.WithProjection), Is.EqualTo((ClipPooling.ArgmaxId, ClipActivation.Gelu, true)));
        var hl = ClipTextConfig.Load(GoldenFixtures.PathOf("clip-hf/l_like/config.json"));
        var hg = ClipTextConfig.Load(GoldenFixtures.PathOf("clip-hf/g_like/config.json"));
        Assert.That((hl.Pooling, hl.Activation, hl.WithProjection), Is.EqualTo((ClipPooling.FirstEos, ClipActivation.QuickGelu, false)));
        Assert.That((hg.Pooling, hg.Activation, hg.WithProjection), Is.EqualTo((ClipPooling.ArgmaxId, ClipActivation.Gelu, true)));
    }
}
