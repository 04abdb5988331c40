using Jano.Core.Geometry;
using Jano.Core.IO;
using Jano.Core.Packages;
using Jano.Export;
using Jano.Export.Flux;
using Jano.Runtime;
using Jano.Runtime.Devices;
using Jano.Runtime.Engine;
using Jano.Runtime.Models;
using Jano.Runtime.Onnx;
using Jano.Tests.Export;

namespace Jano.Tests.Golden;

/// <summary>
/// FLUX against diffusers' own FluxTransformer2DModel and FluxPosEmbed (tools/golden/gen_flux.py): the
/// RoPE tables, the whole graph, and the stage graphs run by the token engine through the FLUX block
/// program (dev: guidance embedded; schnell: none), square and non-square; fp32 ≤ 1e-4 relative. Then
/// the engine's invariants with RoPE: a random scheduling order gives the natural order's output
/// (RoPE follows its tokens), and a subset step leaves the frozen image rows' rotated keys bit-identical.
/// </summary>
[TestFixture]
public sealed class FluxGoldenTests
{
    private const double Tolerance = 1e-4;

    internal sealed record Fixture(SafetensorsFile Io, int Batch, int C, int H, int W, int L, int Joint, int Pooled) : IDisposable
    {
        public float[] Item(string name, int b, int per) => Io.ReadAsFloat32(name).AsSpan(b * per, per).ToArray();
        public float[] Latents(int b) => Item("latents", b, C * H * W);
        /// <summary>The scheduler's timestep (0–1000) of item b: the fixture holds what FluxPipeline passes, t / 1000.</summary>
        public float Timestep(int b) => Io.ReadAsFloat32("timestep")[b] * 1000f;
        public float? Guidance(int b) => Io.Contains("guidance") ? Io.ReadAsFloat32("guidance")[b] : null;
        public CaptionInput Caption(int b) => new(Item("encoder_hidden_states", b, L * Joint), L, Item("pooled_projections", b, Pooled));
        /// <summary>diffusers' packed output [S, 4C] of item b, unpacked to [C, H, W] as FluxPipeline._unpack_latents.</summary>
        public float[] Expected(int b) => Unpack(Item("output", b, C * H * W), C, H, W);
        public void Dispose() => Io.Dispose();
    }

    internal static Fixture Open(string folder, string ioFile = "io.safetensors")
    {
        var io = GoldenFixtures.Open($"flux/{folder}/{ioFile}");
        var s = io.Get("latents").Shape;
        var text = io.Get("encoder_hidden_states").Shape;
        return new Fixture(io, (int)s[0], (int)s[1], (int)s[2], (int)s[3], (int)text[1], (int)text[2], (int)io.Get("pooled_projections").Shape[1]);
    }

    /// <summary>[(H/2)(W/2), 4C] with channels (c, dy, dx) → [C, H, W].</summary>
    internal static float[] Unpack(float[] packed, int c, int h, int w)
    {
        var image = new float[c * h * w];
        int gw = w / 2;
        for (var ch = 0; ch < c; ch++)
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                    image[(ch * h + y) * w + x] = packed[((y / 2) * gw + x / 2) * 4 * c + ch * 4 + (y % 2) * 2 + x % 2];
        return image;
    }

    /// <summary>The fixture's checkpoint as a states-only package at the fixture's size and caption length.</summary>
    internal static (TempFolder Folder, IBlockProgram Program, ModelPackage Package) Export(string folder, Fixture f, ExportOptions? options = null)
    {
        var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "package");
        FluxExporter.Export(GoldenFixtures.PathOf($"flux/{folder}"), path, f.L,
            (options ?? new ExportOptions()) with { Sampler = "flow-euler", Size = (f.H, f.W), WholeGraph = false });
        var package = ModelPackage.Open(path);
        return (temp, BlockPrograms.Create(package, new OrtSessionFactory(new RuntimeOptions { Threads = 1 })), package);
    }

    [Test]
    public void TheRopeTableIsFluxPosEmbeds()
    {
        using var io = GoldenFixtures.Open("flux/rope.safetensors");
        var rope = new RotaryEmbedding(RotaryEmbedding.FluxTheta, [16, 56, 56]);
        foreach (var (ids, cos, sin) in new[] { ("ids", "cos", "sin"), ("ids_any", "cos_any", "sin_any") })
        {
            var table = rope.Table(io.ReadAsFloat32(ids));
            AssertHalves(table, io.ReadAsFloat32(cos), io.ReadAsFloat32(sin), 128, ids);
        }
    }

    [TestCase("dev", "io.safetensors")]
    [TestCase("dev", "io_nonsquare.safetensors")]
    [TestCase("schnell", "io.safetensors")]
    public void TheImageRowsRopeTableIsTheModelsOwn(string folder, string ioFile)
    {
        using var f = Open(folder, ioFile);
        var config = FluxConfig.Load(GoldenFixtures.PathOf($"flux/{folder}/config.json"));
        var table = config.Rope.ImageTable(f.H / 2, f.W / 2);
        int hd = config.HeadDim, tokens = f.H / 2 * (f.W / 2);
        // The model's table covers [text; image] ids; the text rows (ids zero) are the identity rotation.
        var cos = f.Io.ReadAsFloat32("rope_cos");
        var sin = f.Io.ReadAsFloat32("rope_sin");
        Assert.That(cos.AsSpan(0, f.L * hd).ToArray(), Is.All.EqualTo(1f), "text rows: cos 1");
        Assert.That(sin.AsSpan(0, f.L * hd).ToArray(), Is.All.EqualTo(0f), "text rows: sin 0");
        AssertHalves(table, cos.AsSpan(f.L * hd).ToArray(), sin.AsSpan(f.L * hd).ToArray(), hd, $"{folder}/{ioFile}");
        Assert.That(table.Length, Is.EqualTo(tokens * 2 * hd));
    }

    private static void AssertHalves(float[] table, float[] cos, float[] sin, int hd, string label)
    {
        var rows = table.Length / (2 * hd);
        double worst = 0;
        for (var r = 0; r < rows; r++)
            for (var j = 0; j < hd; j++)
            {
                worst = Math.Max(worst, Math.Abs(table[r * 2 * hd + j] - cos[r * hd + j]));
                worst = Math.Max(worst, Math.Abs(table[r * 2 * hd + hd + j] - sin[r * hd + j]));
            }
        TestContext.Out.WriteLine($"{label}: RoPE table largest difference {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-7), "float64 angles rounded to float32, as diffusers");
    }

    [TestCase("dev", "io.safetensors")]
    [TestCase("dev", "io_nonsquare.safetensors")]
    [TestCase("schnell", "io.safetensors")]
    public void TheWholeGraphGivesDiffusersOutput(string folder, string ioFile)
    {
        using var f = Open(folder, ioFile);
        using var temp = new TempFolder();
        var model = Path.Combine(temp.Path, "model.onnx");
        FluxExporter.ExportWholeGraph(GoldenFixtures.PathOf($"flux/{folder}"), model, f.H, f.W);
        var inputs = new List<(string, float[], int[])>
        {
            ("sample", f.Io.ReadAsFloat32("latents"), [f.Batch, f.C, f.H, f.W]),
            ("timestep", Enumerable.Range(0, f.Batch).Select(f.Timestep).ToArray(), [f.Batch]),
            ("text_states", f.Io.ReadAsFloat32("encoder_hidden_states"), [f.Batch, f.L, f.Joint]),
            ("pooled", f.Io.ReadAsFloat32("pooled_projections"), [f.Batch, f.Pooled]),
        };
        if (f.Guidance(0) is not null) inputs.Add(("guidance", f.Io.ReadAsFloat32("guidance"), [f.Batch]));
        var output = OnnxRunner.Run(model, [.. inputs])["out"];
        var expected = Enumerable.Range(0, f.Batch).SelectMany(f.Expected).ToArray();
        var error = GoldenFixtures.RelativeError(output, expected);
        TestContext.Out.WriteLine($"flux/{folder}/{ioFile}: whole graph relative error {error:E2}");
        Assert.That(error, Is.LessThanOrEqualTo(Tolerance));
    }

    [TestCase("dev", "io.safetensors", false)]
    [TestCase("dev", "io.safetensors", true)]
    [TestCase("dev", "io_nonsquare.safetensors", true)]
    [TestCase("schnell", "io.safetensors", false)]
    public void TheStageGraphsOnTheTokenEngineGiveDiffusersOutput(string folder, string ioFile, bool kernelAttention)
    {
        using var f = Open(folder, ioFile);
        var (temp, program, package) = Export(folder, f);
        using var _ = temp;
        using var programLifetime = program;
        var g = package.Manifest.Geometry;
        Assert.That((g.PatchSize, g.Channels, g.PrefixRows), Is.EqualTo((2, f.C, f.L)));
        using var device = new HostStepDevice();
        using var engine = new TokenEngine(program, g, device, kernelAttention);
        for (var b = 0; b < f.Batch; b++)
        {
            engine.SetCaptions(f.Caption(b), null);
            if (f.Guidance(b) is { } guidance) engine.SetEmbeddedGuidance(guidance);
            engine.Forward(f.Latents(b), f.Timestep(b), g.Tokens);
            var image = new float[f.C * f.H * f.W];
            engine.Unpatchify(engine.Output(0), image);
            var error = GoldenFixtures.RelativeError(image, f.Expected(b));
            TestContext.Out.WriteLine($"flux/{folder}/{ioFile} ({(kernelAttention ? "kernel" : "MultiHeadAttention")}), item {b}: relative error {error:E2}");
            Assert.That(error, Is.LessThanOrEqualTo(Tolerance), $"item {b}");
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ARandomSchedulingOrderGivesTheNaturalOrdersOutput(bool kernelAttention)
    {
        using var f = Open("dev", "io_nonsquare.safetensors");
        var (temp, program, package) = Export("dev", f);
        using var _ = temp;
        using var programLifetime = program;
        var g = package.Manifest.Geometry;
        using var device = new HostStepDevice();
        using var engine = new TokenEngine(program, g, device, kernelAttention);
        engine.SetCaptions(f.Caption(0), f.Caption(1));
        engine.SetEmbeddedGuidance(3.5f);
        engine.Forward(f.Latents(0), f.Timestep(0), g.Tokens);
        var natural = new float[f.C * f.H * f.W];
        engine.Unpatchify(engine.Output(0), natural);
        var order = Enumerable.Range(0, g.Tokens).ToArray();
        new Random(15).Shuffle(order);
        engine.SetOrder(order);
        engine.Forward(f.Latents(0), f.Timestep(0), g.Tokens);
        var scrambled = new float[natural.Length];
        engine.Unpatchify(engine.Output(0), scrambled);
        var worst = natural.Zip(scrambled, (a, b) => Math.Abs(a - b)).Max();
        var scale = natural.Max(Math.Abs);
        TestContext.Out.WriteLine($"random order against natural: largest difference {worst:E2} (scale {scale:E2})");
        Assert.That(worst / scale, Is.LessThanOrEqualTo(1e-6), "RoPE rows follow their tokens");
    }

    [Test]
    public void ASubsetStepLeavesTheFrozenRowsRotatedKeysBitIdentical()
    {
        using var f = Open("dev");
        var (temp, program, package) = Export("dev", f);
        using var _ = temp;
        using var programLifetime = program;
        var g = package.Manifest.Geometry;
        int l = g.PrefixRows, tokens = g.Tokens, d = package.Manifest.Dims.HiddenSize, depth = package.Manifest.Dims.Depth;
        using var device = new HostStepDevice();
        using var engine = new TokenEngine(program, g, device, kernelAttention: true);
        engine.SetCaptions(f.Caption(0), null);
        engine.SetEmbeddedGuidance(3.5f);
        var order = Enumerable.Range(0, tokens).ToArray();
        new Random(4).Shuffle(order);
        engine.SetOrder(order);
        engine.Forward(f.Latents(0), f.Timestep(0), tokens);
        var before = Enumerable.Range(0, depth).Select(layer => engine.Keys(0, layer)).ToArray();
        var n = tokens / 4;
        // Two skipped steps at other timesteps and latents: only rows [0, L + n) may change.
        engine.Forward(f.Latents(1), f.Timestep(1), n);
        engine.Forward(f.Latents(1), 100f, n);
        for (var layer = 0; layer < depth; layer++)
        {
            var after = engine.Keys(0, layer);
            Assert.That(after.AsSpan((l + n) * d).SequenceEqual(before[layer].AsSpan((l + n) * d)), $"block {layer}: frozen rows' rotated keys bit-identical");
            Assert.That(after.AsSpan(0, l * d).SequenceEqual(before[layer].AsSpan(0, l * d)), Is.False, $"block {layer}: text rows recomputed");
            Assert.That(after.AsSpan(l * d, n * d).SequenceEqual(before[layer].AsSpan(l * d, n * d)), Is.False, $"block {layer}: computed image rows changed");
        }
    }
}
