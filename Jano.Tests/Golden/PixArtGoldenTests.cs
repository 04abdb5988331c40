using Jano.Core.IO;
using Jano.Core.Packages;
using Jano.Export;
using Jano.Export.PixArt;
using Jano.Runtime;
using Jano.Runtime.Devices;
using Jano.Runtime.Engine;
using Jano.Runtime.Models;
using Jano.Runtime.Onnx;
using Jano.Tests.Export;

namespace Jano.Tests.Golden;

/// <summary>
/// The exported PixArt graphs against diffusers' PixArtTransformer2DModel itself (v0.32.2, tiny random
/// configs, tools/golden/gen_pixart.py): the whole graph model.onnx, and the runtime's real path —
/// the stage graphs run by the token engine through the PixArt block program — for a square input, a
/// non-square one (diffusers recomputes the position table for it) and micro-conditions. Item 1 of each
/// fixture masks its last two caption tokens: our graphs drop masked tokens (the whole graph) or mask
/// them with a key bias (the engine), which is the same attention. Tolerance: fp32 ≤ 1e-4 relative to
/// the output's largest value (float32 accumulation in a different order; measured errors are ~1e-6).
/// </summary>
[TestFixture]
public sealed class PixArtGoldenTests
{
    private const double Tolerance = 1e-4;

    public sealed record Case(string Folder, string Io, bool Micro)
    {
        public override string ToString() => $"{Folder}/{Io}";
    }

    private static readonly Case[] Cases =
    [
        new("pixart/base", "io.safetensors", false),
        new("pixart/base", "io_nonsquare.safetensors", false),
        new("pixart/micro", "io.safetensors", true),
    ];

    private static IEnumerable<TestCaseData> AllCases() => Cases.Select(c => new TestCaseData(c).SetArgDisplayNames(c.ToString()));

    /// <summary>The fixture's checkpoint exported at the fixture input's latent size.</summary>
    private static (TempFolder Folder, string Package, ModelManifest Manifest) Export(Case c, int height, int width)
    {
        var folder = new TempFolder();
        var package = Path.Combine(folder.Path, "package");
        // Micro-conditions: item 0 is a 1024² image on 8² latents, so 128 image pixels per latent pixel.
        var manifest = PixArtExporter.Export(GoldenFixtures.PathOf(c.Folder), package,
            new ExportOptions { Sampler = "flow-euler", Size = (height, width), VaeScaleFactor = c.Micro ? 128 : null });
        return (folder, package, manifest);
    }

    private sealed record Item(float[] Latents, float Timestep, float[] Text, int Tokens, float[] Expected, float[] Resolution, float[] Aspect);

    /// <summary>Batch item b of the fixture, its caption cut to the tokens the mask keeps.</summary>
    private static (Item Item, int C, int H, int W, int CaptionWidth) Read(SafetensorsFile io, int b)
    {
        var shape = io.Get("hidden_states").Shape;
        int c = (int)shape[1], h = (int)shape[2], w = (int)shape[3];
        var text = io.Get("encoder_hidden_states").Shape;
        int length = (int)text[1], width = (int)text[2];
        var mask = io.ReadAsFloat32("encoder_attention_mask").AsSpan(b * length, length).ToArray();
        var kept = mask.Count(m => m > 0.5f);
        Assert.That(mask.Take(kept).All(m => m > 0.5f) && mask.Skip(kept).All(m => m < 0.5f), "the fixture masks a suffix of the caption");
        var outChannels = (int)io.Get("output").Shape[1];
        float[] Slice(string name, int per) => io.ReadAsFloat32(name).AsSpan(b * per, per).ToArray();
        var hasSizes = io.Contains("resolution");
        var item = new Item(Slice("hidden_states", c * h * w), io.ReadAsFloat32("timestep")[b],
            io.ReadAsFloat32("encoder_hidden_states").AsSpan(b * length * width, kept * width).ToArray(), kept,
            Slice("output", outChannels * h * w), hasSizes ? Slice("resolution", 2) : [], hasSizes ? Slice("aspect_ratio", 1) : []);
        return (item, c, h, w, width);
    }

    [TestCaseSource(nameof(AllCases))]
    public void TheWholeGraphGivesDiffusersOutput(Case c)
    {
        using var io = GoldenFixtures.Open($"{c.Folder}/{c.Io}");
        var (first, channels, h, w, captionWidth) = Read(io, 0);
        var (folder, package, manifest) = Export(c, h, w);
        using var _ = folder;
        var model = Path.Combine(package, manifest.Stages.Model!.File);
        for (var b = 0; b < 2; b++)
        {
            var (item, _, _, _, _) = b == 0 ? (first, 0, 0, 0, 0) : Read(io, b);
            var inputs = new List<(string, float[], int[])>
            {
                ("sample", item.Latents, [1, channels, h, w]), ("timestep", [item.Timestep], [1]), ("text_states", item.Text, [1, item.Tokens, captionWidth]),
            };
            if (c.Micro) inputs.AddRange([("resolution", item.Resolution, [1, 2]), ("aspect_ratio", item.Aspect, [1, 1])]);
            var output = OnnxRunner.Run(model, [.. inputs])["out"];
            var error = GoldenFixtures.RelativeError(output, item.Expected);
            TestContext.Out.WriteLine($"{c} item {b}: whole graph relative error {error:E2}");
            Assert.That(error, Is.LessThanOrEqualTo(Tolerance), $"item {b}");
        }
    }

    [TestCaseSource(nameof(AllCases))]
    public void TheStageGraphsOnTheTokenEngineGiveDiffusersOutput(Case c)
    {
        using var io = GoldenFixtures.Open($"{c.Folder}/{c.Io}");
        var (first, channels, h, w, _) = Read(io, 0);
        var (folder, package, _) = Export(c, h, w);
        using var _ = folder;
        var opened = ModelPackage.Open(package);
        var g = opened.Manifest.Geometry;
        using var device = new HostStepDevice();
        using var program = BlockPrograms.Create(opened, new OrtSessionFactory(new RuntimeOptions { Threads = 1 }));
        using var engine = new TokenEngine(program, g, device, kernelAttention: false);
        // Micro-conditions: the program feeds the package's image size, which only item 0's conditions describe.
        var items = c.Micro ? 1 : 2;
        for (var b = 0; b < items; b++)
        {
            var item = b == 0 ? first : Read(io, b).Item;
            engine.SetCaptions(new CaptionInput(item.Text, item.Tokens), null);
            engine.Forward(item.Latents, item.Timestep, g.Tokens);
            var image = new float[g.OutChannels * h * w];
            new TokenLayout(g).Scatter(engine.Output(0), g.OutChannels, g.OutChannels, engine.Order, image);
            var error = GoldenFixtures.RelativeError(image, item.Expected);
            TestContext.Out.WriteLine($"{c} item {b}: stage graphs on the engine, relative error {error:E2}");
            Assert.That(error, Is.LessThanOrEqualTo(Tolerance), $"item {b}");
        }
    }
}
