using Jano.Core.IO;
using Jano.Core.Packages;
using Jano.Export;
using Jano.Export.Sd3;
using Jano.Runtime;
using Jano.Runtime.Devices;
using Jano.Runtime.Engine;
using Jano.Runtime.Models;
using Jano.Runtime.Onnx;
using Jano.Tests.Export;

namespace Jano.Tests.Golden;

/// <summary>
/// The SD3 stage graphs run by the token engine through the SD3 block program (L text rows as the
/// prefix, joint attention over [text; image] rows) against diffusers' SD3Transformer2DModel (the
/// fixtures of <see cref="Sd3GoldenTests"/>): square, non-square and SD3.5-like qk RMS norm, fp32 ≤ 1e-4
/// relative. Then the engine's invariants on the SD3 package: every token active in a scrambled order
/// equals natural order, and a subset step keeps the frozen image rows' K/V while the text rows change;
/// for SD3.5's dual attention (sd35_dual) also the second, image-only K/V cache of its joint-dual blocks.
/// A package of one size runs at another (position rows from its sincos-2d-cropped generator).
/// </summary>
[TestFixture]
public sealed class Sd3EngineGoldenTests
{
    private const double Tolerance = 1e-4;

    private sealed record Fixture(SafetensorsFile Io, int Batch, int C, int H, int W, int L, int Joint, int Pooled, int OutC) : IDisposable
    {
        public float[] Item(string name, int b, int per) => Io.ReadAsFloat32(name).AsSpan(b * per, per).ToArray();
        public float[] Latents(int b) => Item("hidden_states", b, C * H * W);
        public float Timestep(int b) => Io.ReadAsFloat32("timestep")[b];
        public CaptionInput Caption(int b) => new(Item("encoder_hidden_states", b, L * Joint), L, Item("pooled_projections", b, Pooled));
        public float[] Expected(int b) => Item("output", b, OutC * H * W);
        public void Dispose() => Io.Dispose();
    }

    private static Fixture Open(string folder, string ioFile)
    {
        var io = GoldenFixtures.Open($"{folder}/{ioFile}");
        var s = io.Get("hidden_states").Shape;
        var text = io.Get("encoder_hidden_states").Shape;
        return new Fixture(io, (int)s[0], (int)s[1], (int)s[2], (int)s[3], (int)text[1], (int)text[2],
            (int)io.Get("pooled_projections").Shape[1], (int)io.Get("output").Shape[1]);
    }

    /// <summary>The fixture's checkpoint as a package at the fixture's latent size and caption length, opened with its program.</summary>
    private static (TempFolder Folder, IBlockProgram Program, ModelPackage Package) Export(string folder, Fixture f)
    {
        var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "package");
        Sd3Exporter.Export(GoldenFixtures.PathOf(folder), path, f.L, new ExportOptions { Sampler = "flow-euler", Size = (f.H, f.W), WholeGraph = false });
        var package = ModelPackage.Open(path);
        return (temp, BlockPrograms.Create(package, new OrtSessionFactory(new RuntimeOptions { Threads = 1 })), package);
    }

    [TestCase("sd3/base", "io.safetensors", false)]
    [TestCase("sd3/base", "io_nonsquare.safetensors", false)]
    [TestCase("sd3/sd35", "io.safetensors", false)]
    [TestCase("sd3/base", "io.safetensors", true)]
    [TestCase("sd3/sd35_dual", "io.safetensors", false)]
    [TestCase("sd3/sd35_dual", "io.safetensors", true)]
    public void TheStageGraphsOnTheTokenEngineGiveDiffusersOutput(string folder, string ioFile, bool kernelAttention)
    {
        using var f = Open(folder, ioFile);
        var (temp, program, package) = Export(folder, f);
        using var _ = temp;
        using var programLifetime = program;
        var g = package.Manifest.Geometry;
        Assert.That(g.PrefixRows, Is.EqualTo(f.L));
        AssertEngineGivesDiffusersOutput(program, g, f, kernelAttention, $"{folder}/{ioFile} ({(kernelAttention ? "kernel" : "MultiHeadAttention")}): stage graphs on the engine");
    }

    /// <summary>Every fixture item through a dense forward of a fresh engine at <paramref name="g"/>, against diffusers' output.</summary>
    private static void AssertEngineGivesDiffusersOutput(IBlockProgram program, Jano.Core.Geometry.LatentGeometry g, Fixture f, bool kernelAttention, string label)
    {
        using var device = new HostStepDevice();
        using var engine = new TokenEngine(program, g, device, kernelAttention);
        for (var b = 0; b < f.Batch; b++)
        {
            engine.SetCaptions(f.Caption(b), null);
            engine.Forward(f.Latents(b), f.Timestep(b), g.Tokens);
            var image = new float[g.OutChannels * f.H * f.W];
            new TokenLayout(g).Scatter(engine.Output(0), g.OutChannels, g.OutChannels, engine.Order, image);
            var error = GoldenFixtures.RelativeError(image, f.Expected(b));
            TestContext.Out.WriteLine($"{label}, item {b}: relative error {error:E2}");
            Assert.That(error, Is.LessThanOrEqualTo(Tolerance), $"item {b}");
        }
    }

    /// <summary>
    /// One package at the config's size (8×8) run at the fixture's size: io_nonsquare (8×12) was made by
    /// gen_sd3.py from the same model (the base weights, seed 3000) at that size, so its position rows are
    /// the generator's crop, not the package's file.
    /// </summary>
    [TestCase("sd3/base", "io_nonsquare.safetensors")]
    [TestCase("sd3/sd35", "io.safetensors")]
    public void APackageOfTheConfigSizeRunsAtAnotherSizeAgainstDiffusers(string folder, string ioFile)
    {
        using var f = Open(folder, ioFile);
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "package");
        var size = ioFile == "io.safetensors" ? (4, 6) : ((int, int)?)null; // sd35: a 4×6 package run at the fixture's 8×8
        Sd3Exporter.Export(GoldenFixtures.PathOf(folder), path, f.L, new ExportOptions { Sampler = "flow-euler", Size = size, WholeGraph = false });
        var package = ModelPackage.Open(path);
        using var program = BlockPrograms.Create(package, new OrtSessionFactory(new RuntimeOptions { Threads = 1 }));
        var g = package.Manifest.Geometry with { Height = f.H, Width = f.W };
        Assert.That((package.Manifest.Geometry.Height, package.Manifest.Geometry.Width), Is.Not.EqualTo((f.H, f.W)), "the package is of another size");
        AssertEngineGivesDiffusersOutput(program, g, f, kernelAttention: false, $"{folder}/{ioFile}: package of {package.Manifest.Geometry.Describe()} at {g.Describe()}");
    }

    [TestCase("joint", "block 0 pre")]
    [TestCase("joint-last", "block 0 is of kind 'joint-last'")]
    public void ADualBlockDeclaredWithAnotherKindIsRefusedNamingTheBlock(string kind, string problem)
    {
        using var f = Open("sd3/sd35_dual", "io.safetensors");
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "package");
        Sd3Exporter.Export(GoldenFixtures.PathOf("sd3/sd35_dual"), path, f.L, new ExportOptions { Sampler = "flow-euler", Size = (f.H, f.W), WholeGraph = false });
        var manifestPath = Path.Combine(path, ModelManifest.FileName);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var block = manifest["components"]!["transformer"]!["stages"]!["blocks"]![0]!;
        Assert.That(block["kind"]!.GetValue<string>(), Is.EqualTo("joint-dual"));
        block["kind"] = kind;
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        var package = ModelPackage.Open(path);
        var e = Assert.Throws<ModelPackageException>(() => BlockPrograms.Create(package, new OrtSessionFactory(new RuntimeOptions { Threads = 1 })).Dispose());
        TestContext.Out.WriteLine(e!.Message);
        Assert.That(e.Message, Does.Contain(problem));
    }

    private static int[] Permutation(int n, int seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    /// <summary>The blocks of a package with the image-only attention (joint-dual kinds).</summary>
    private static int[] DualLayers(ModelPackage package) =>
        package.Manifest.Stages.Blocks.Select((b, i) => (b, i)).Where(x => Jano.Core.Stages.BlockKind.HasImageAttention(x.b.Kind)).Select(x => x.i).ToArray();

    [TestCase("sd3/base", false)]
    [TestCase("sd3/sd35_dual", false)]
    [TestCase("sd3/sd35_dual", true)]
    public void EveryImageTokenActiveInAScrambledOrderEqualsNaturalOrder(string folder, bool kernelAttention)
    {
        using var f = Open(folder, "io.safetensors");
        var (temp, program, package) = Export(folder, f);
        using var _ = temp;
        using var programLifetime = program;
        var g = package.Manifest.Geometry;
        using var device = new HostStepDevice();
        using var engine = new TokenEngine(program, g, device, kernelAttention);
        engine.SetCaptions(f.Caption(0), f.Caption(1)); // both branches in one batch
        engine.Forward(f.Latents(0), f.Timestep(0), g.Tokens);
        var natural = new[] { engine.Output(0).ToArray(), engine.Output(1).ToArray() };
        var order = Permutation(g.Tokens, 3);
        engine.SetOrder(order);
        engine.Forward(f.Latents(0), f.Timestep(0), g.Tokens);
        int w = g.PatchOutputWidth;
        double worst = 0;
        for (var b = 0; b < 2; b++)
        {
            var scrambled = engine.Output(b).ToArray();
            for (var r = 0; r < g.Tokens; r++)
                for (var j = 0; j < w; j++)
                    worst = Math.Max(worst, Math.Abs(scrambled[r * w + j] - natural[b][order[r] * w + j]));
        }
        var scale = natural.SelectMany(x => x).Max(Math.Abs);
        TestContext.Out.WriteLine($"{folder} ({(kernelAttention ? "kernel" : "MultiHeadAttention")}): scrambled against natural order: largest difference {worst:E2} (output scale {scale:E2})");
        Assert.That(worst / scale, Is.LessThanOrEqualTo(1e-6));
    }

    [TestCase("sd3/base", true)]
    [TestCase("sd3/sd35_dual", true)]
    [TestCase("sd3/sd35_dual", false)]
    public void ASubsetStepKeepsTheFrozenImageRowsKeysAndValuesWhileTheTextRowsChange(string folder, bool kernelAttention)
    {
        using var f = Open(folder, "io.safetensors");
        var (temp, program, package) = Export(folder, f);
        using var _ = temp;
        using var programLifetime = program;
        var g = package.Manifest.Geometry;
        int l = g.PrefixRows, tokens = g.Tokens, d = package.Manifest.Dims.HiddenSize, depth = package.Manifest.Dims.Depth, w = g.PatchOutputWidth;
        using var device = new HostStepDevice();
        var dual = DualLayers(package);
        Assert.That(dual, Is.EqualTo(folder.EndsWith("dual", StringComparison.Ordinal) ? new[] { 0, 1, 3 } : Array.Empty<int>()));
        using var engine = new TokenEngine(program, g, device, kernelAttention);
        engine.SetCaptions(f.Caption(0), f.Caption(1));
        engine.Forward(f.Latents(0), f.Timestep(0), tokens);
        var natural = dual.Select(layer => (engine.Keys2(0, layer), engine.Values2(0, layer))).ToArray();
        var order = Permutation(tokens, 8);
        engine.SetOrder(order);
        // SetOrder moves the image-only attention's rows with their tokens: new row r holds token order[r]'s.
        for (var j = 0; j < dual.Length; j++)
        {
            var (keys, values) = (engine.Keys2(0, dual[j]), engine.Values2(0, dual[j]));
            for (var r = 0; r < tokens; r++)
                Assert.That(keys.AsSpan(r * d, d).SequenceEqual(natural[j].Item1.AsSpan(order[r] * d, d))
                    && values.AsSpan(r * d, d).SequenceEqual(natural[j].Item2.AsSpan(order[r] * d, d)), $"layer {dual[j]} row {r} after SetOrder");
        }
        var n = tokens / 3;
        var keysBefore = new float[2, depth][];
        var valuesBefore = new float[2, depth][];
        var keys2Before = new float[2, depth][];
        var values2Before = new float[2, depth][];
        var outputBefore = new float[2][];
        for (var b = 0; b < 2; b++)
        {
            outputBefore[b] = engine.Output(b).ToArray();
            for (var layer = 0; layer < depth; layer++) (keysBefore[b, layer], valuesBefore[b, layer]) = (engine.Keys(b, layer), engine.Values(b, layer));
            foreach (var layer in dual) (keys2Before[b, layer], values2Before[b, layer]) = (engine.Keys2(b, layer), engine.Values2(b, layer));
        }
        engine.Forward(f.Latents(1), f.Timestep(1), n); // new latents and timestep: every computed row changes, text rows included

        for (var b = 0; b < 2; b++)
        {
            for (var layer = 0; layer < depth; layer++)
            {
                var (keys, values) = (engine.Keys(b, layer), engine.Values(b, layer));
                for (var r = 0; r < l + tokens; r++)
                {
                    var sameKey = keys.AsSpan(r * d, d).SequenceEqual(keysBefore[b, layer].AsSpan(r * d, d));
                    var sameValue = values.AsSpan(r * d, d).SequenceEqual(valuesBefore[b, layer].AsSpan(r * d, d));
                    var frozen = r >= l + n;
                    Assert.That(sameKey && sameValue, Is.EqualTo(frozen),
                        $"branch {b} layer {layer} row {r}: {(frozen ? "a frozen token keeps its keys and values bit for bit" : "text and computed rows get new ones")}");
                }
            }
            // The image-only attention's cache: image rows alone, the first n computed, the rest frozen.
            foreach (var layer in dual)
            {
                var (keys, values) = (engine.Keys2(b, layer), engine.Values2(b, layer));
                Assert.That(keys, Has.Length.EqualTo(tokens * d));
                for (var r = 0; r < tokens; r++)
                {
                    var sameKey = keys.AsSpan(r * d, d).SequenceEqual(keys2Before[b, layer].AsSpan(r * d, d));
                    var sameValue = values.AsSpan(r * d, d).SequenceEqual(values2Before[b, layer].AsSpan(r * d, d));
                    Assert.That(sameKey && sameValue, Is.EqualTo(r >= n),
                        $"branch {b} layer {layer} image-attention row {r}: {(r >= n ? "a frozen token keeps its attn2 keys and values bit for bit" : "computed rows get new ones")}");
                }
            }
            var output = engine.Output(b).ToArray();
            for (var r = 0; r < tokens; r++)
                Assert.That(output.AsSpan(r * w, w).SequenceEqual(outputBefore[b].AsSpan(r * w, w)), Is.EqualTo(r >= n), $"branch {b} output row {r}");
        }
    }
}
