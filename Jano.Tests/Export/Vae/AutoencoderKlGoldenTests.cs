using Jano.Core.IO;
using Jano.Core.Stages;
using Jano.Export.Vae;
using Jano.Runtime;
using Jano.Runtime.Decoders;
using Jano.Runtime.Onnx;

namespace Jano.Tests.Export.Vae;

/// <summary>
/// Golden fixtures written by diffusers v0.32.2 itself (tools/golden/gen_vae.py on branch golden, copied
/// byte-identical): a tiny random AutoencoderKL saved with save_pretrained, and io.safetensors with
/// latents [1, C, 6, 8] and [1, C, 8, 8] and the raw vae.decode(latents).sample (no scaling: the graph
/// has none either). Cases: sd_like (4 latent channels, post_quant_conv, scaling 0.18215) and
/// sd3_like (16 latent channels, no post_quant_conv, scaling 1.5305, shift 0.0609).
/// Tolerance: max |ours − diffusers| ≤ 1e-4 · max |diffusers| (float32); measured at most 1.4e-6 (graph, reference and runtime).
/// </summary>
[TestFixture]
public sealed class AutoencoderKlGoldenTests
{
    private const double RelativeTolerance = 1e-4;

    public static IEnumerable<string> Cases() => ["sd_like", "sd3_like"];

    private static string CaseFolder(string name)
    {
        var relative = Path.Combine("Jano.Tests", "Fixtures", "golden", "vae", name);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(Path.Combine(candidate, "io.safetensors"))) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }

    private static (float[] Latents, long[] Shape, float[] Decoded)[] Pairs(string folder)
    {
        using var io = SafetensorsFile.Open(Path.Combine(folder, "io.safetensors"));
        Assert.That(io.Metadata["call"], Does.Contain("decode applies neither scaling_factor nor shift_factor"));
        return [(io.ReadAsFloat32("latents"), io.Get("latents").Shape, io.ReadAsFloat32("decoded")),
                (io.ReadAsFloat32("latents_b"), io.Get("latents_b").Shape, io.ReadAsFloat32("decoded_b"))];
    }

    private static void AssertClose(float[] actual, float[] expected, string what)
    {
        var scale = expected.Max(Math.Abs);
        var error = TestData.MaxAbsDiff(actual, expected);
        TestContext.Out.WriteLine($"{what}: max |error| {error:E2}, max |diffusers| {scale:F3}, relative {error / scale:E2}");
        Assert.That(error, Is.LessThanOrEqualTo(RelativeTolerance * scale), what);
    }

    [TestCaseSource(nameof(Cases))]
    public void ExportedGraphEqualsDiffusersDecode(string name)
    {
        var folder = CaseFolder(name);
        using var temp = new TempFolder();
        var graph = temp.File("decoder.onnx");
        AutoencoderKlExporter.Export(folder, graph);
        foreach (var (latents, shape, decoded) in Pairs(folder))
        {
            var image = OnnxRunner.Run(graph, (DecoderStages.Latents, latents, shape.Select(d => (int)d).ToArray()))[DecoderStages.Image];
            AssertClose(image, decoded, $"{name} graph {string.Join('x', shape)}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void ReferenceEqualsDiffusersDecode(string name)
    {
        var folder = CaseFolder(name);
        var config = AutoencoderKlConfig.Load(Path.Combine(folder, "config.json"));
        var reference = new AutoencoderKlReference(config, AutoencoderKlExporter.LoadWeights(config, folder, Path.Combine(folder, "config.json")));
        foreach (var (latents, shape, decoded) in Pairs(folder))
        {
            var image = reference.Decode(TestData.ToDouble(latents), (int)shape[2], (int)shape[3]).Select(v => (float)v).ToArray();
            AssertClose(image, decoded, $"{name} reference {string.Join('x', shape)}");
        }
    }

    /// <summary>The runtime decoder takes the transformer's latents x and decodes x / scaling + shift: fed (z − shift)·scaling it gives diffusers' decode(z).</summary>
    [TestCaseSource(nameof(Cases))]
    public void RuntimeDecoderUndoesScalingAndShift(string name)
    {
        var folder = CaseFolder(name);
        using var temp = new TempFolder();
        var graph = temp.File("decoder.onnx");
        var component = AutoencoderKlExporter.Export(folder, graph);
        using var decoder = new AutoencoderKlDecoder(new OrtSessionFactory(new RuntimeOptions { Provider = "cpu", Threads = 1 }), graph, component);
        foreach (var (latents, shape, decoded) in Pairs(folder))
        {
            var x = latents.Select(z => (float)((z - component.ShiftFactor) * component.ScalingFactor)).ToArray();
            var image = decoder.Decode(x, (int)shape[2], (int)shape[3]);
            Assert.That(decoder.LastRuns, Is.EqualTo(1), "8x8 latents fit one default tile");
            AssertClose(image, decoded, $"{name} runtime {string.Join('x', shape)}");
        }
    }
}
