using System.Text.Json.Nodes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Jano.Tests.Cli;

/// <summary>
/// A diffusers PixArt pipeline folder through the command line: `init-random --pipeline` writes one in
/// diffusers' layout, `export --pipeline` packages every component, `generate` writes an RGB image of
/// the size asked (random weights: noise). Bad pipeline folders fail in one line naming the file and
/// field, and leave no package behind.
/// </summary>
[TestFixture]
public sealed class PipelineCommandTests
{
    private readonly TempFolder _folder = new();

    [OneTimeTearDown]
    public void Cleanup() => _folder.Dispose();

    private string Out(string name) => Path.Combine(_folder.Path, name);

    private string RandomPipeline(string kind, string name)
    {
        var root = Out(name);
        var r = CliRunner.Run("init-random", "--pipeline", kind, "--out", root, "--seed", "2");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        return root;
    }

    private static void AssertOneLineError((int Code, string Out, string Err) r, params string[] fragments)
    {
        Assert.That(r.Code, Is.Not.EqualTo(0), r.Out);
        var lines = r.Err.Split('\n').Where(l => l.StartsWith("jano ", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), r.Err);
        foreach (var f in fragments) Assert.That(lines[0], Does.Contain(f));
        Assert.That(r.Err, Does.Not.Contain("   at "), "no stack trace");
    }

    [TestCase("pixart-sigma")]
    [TestCase("pixart-alpha")]
    public void InitRandomThenExportThenGenerateWritesAnRgbImageOfTheSizeAsked(string kind)
    {
        var root = RandomPipeline(kind, $"{kind}-root");
        var package = Out($"{kind}-package");
        var export = CliRunner.Run("export", "--pipeline", root, "--out", package);
        Assert.That(export.Code, Is.EqualTo(0), export.Err);
        foreach (var jano in new[] { "--dense", "--jano" })
        {
            var png = Out($"{kind}{jano}.png");
            var r = CliRunner.Run("generate", "a red bicycle", "--model", package, "--size", "96x64", "--steps", "6", jano,
                "--warmup", "2", "--cooldown", "1", "--out", png, "--threads", "1");
            if (jano == "--dense") r = CliRunner.Run("generate", "a red bicycle", "--model", package, "--size", "96x64", "--steps", "6", jano, "--out", png, "--threads", "1");
            Assert.That(r.Code, Is.EqualTo(0), r.Err);
            using var image = Image.Load<Rgb24>(png);
            Assert.That((image.Width, image.Height), Is.EqualTo((96, 64)), "WIDTHxHEIGHT in image pixels");
            var distinct = new HashSet<Rgb24>();
            for (var y = 0; y < image.Height; y++) for (var x = 0; x < image.Width; x++) distinct.Add(image[x, y]);
            Assert.That(distinct.Count, Is.GreaterThan(100), "an RGB image, not a flat one");
        }
    }

    /// <summary>
    /// SD3: CLIP-L, CLIP-G and T5 joined into 77 + 256 caption rows and the pooled vector, 16-channel VAE;
    /// sd35: the same with an SD3.5-medium-shaped transformer (qk RMS norm, dual attention in layers 0 and 1).
    /// </summary>
    [TestCase("sd3", "joint, joint-last")]
    [TestCase("sd35", "joint-dual, joint-dual, joint-last")]
    public void AnSd3PipelineGoesFromInitRandomThroughExportToAnRgbImage(string kind, string blockKinds)
    {
        var root = RandomPipeline(kind, $"{kind}-root");
        var package = Out($"{kind}-package");
        var export = CliRunner.Run("export", "--pipeline", root, "--out", package);
        Assert.That(export.Code, Is.EqualTo(0), export.Err);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(package, "jano-model.json")))!;
        var kinds = manifest["components"]!["transformer"]!["stages"]!["blocks"]!.AsArray().Select(b => b!["kind"]!.GetValue<string>());
        Assert.That(string.Join(", ", kinds), Is.EqualTo(blockKinds));
        foreach (var jano in new[] { new[] { "--dense" }, new[] { "--jano", "--warmup", "2", "--cooldown", "1" } })
        {
            var png = Out($"{kind}{jano[0]}.png");
            var r = CliRunner.Run(["generate", "a red bicycle", "--model", package, "--size", "64x64", "--steps", "4", .. jano, "--out", png, "--threads", "1"]);
            Assert.That(r.Code, Is.EqualTo(0), r.Err);
            using var image = Image.Load<Rgb24>(png);
            Assert.That((image.Width, image.Height), Is.EqualTo((64, 64)));
            var distinct = new HashSet<Rgb24>();
            for (var y = 0; y < image.Height; y++) for (var x = 0; x < image.Width; x++) distinct.Add(image[x, y]);
            Assert.That(distinct.Count, Is.GreaterThan(100), "an RGB image, not a flat one");
        }
    }

    /// <summary>
    /// SD3 has no aspect-ratio bins: as diffusers' StableDiffusion3Pipeline, a package generates the size
    /// asked, a multiple of vae_scale_factor · patch_size (8 · 2), whose patch grid fits pos_embed_max_size
    /// (16 patches: 256 pixels a side).
    /// </summary>
    [Test]
    public void AnSd3PackageGeneratesAnotherSizeAndRefusesSizesItCannotMake()
    {
        var root = RandomPipeline("sd3", "sd3-sizes-root");
        var package = Out("sd3-sizes-package");
        Assert.That(CliRunner.Run("export", "--pipeline", root, "--out", package).Code, Is.EqualTo(0));
        var png = Out("sd3-96x48.png");
        var r = CliRunner.Run("generate", "a red bicycle", "--model", package, "--size", "96x48", "--steps", "2", "--dense", "--out", png, "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Err, Does.Not.Contain("snapped"), "no bins");
        using (var image = Image.Load<Rgb24>(png))
            Assert.That((image.Width, image.Height), Is.EqualTo((96, 48)), "the size asked, not the package's 64x64");
        AssertOneLineError(CliRunner.Run("generate", "a bicycle", "--model", package, "--size", "272x64", "--out", Out("wide.png")),
            "--size", "272x64", "4×17", "16×16", "pos_embed_max_size", "at most 256 pixels");
        AssertOneLineError(CliRunner.Run("generate", "a bicycle", "--model", package, "--size", "72x64", "--out", Out("odd.png")),
            "--size", "72x64", "multiples of 16");
        Assert.That(File.Exists(Out("wide.png")) || File.Exists(Out("odd.png")), Is.False, "nothing written");
    }

    [Test]
    public void AnUnknownRandomPipelineIsRefusedInOneLineNamingTheKinds()
    {
        var root = Out("unknown-root");
        AssertOneLineError(CliRunner.Run("init-random", "--pipeline", "sd4", "--out", root), "--pipeline 'sd4'", "pixart-sigma", "sd35");
        Assert.That(Directory.Exists(root), Is.False, "nothing written");
    }

    /// <summary>
    /// A sized random SD3 pipeline (scaling studies): the transformer config file's fields over the tiny
    /// one, the T5 length at export; the package, `jano info` and a generation agree on the sizes.
    /// </summary>
    [Test]
    public void AnSd3TransformerConfigAndT5LengthSizeThePackage()
    {
        var config = Out("sd3-sized.json");
        File.WriteAllText(config, """
            { "num_layers": 3, "num_attention_heads": 3, "attention_head_dim": 8, "sample_size": 16,
              "joint_attention_dim": 48, "pooled_projection_dim": 10, "pos_embed_max_size": 16 }
            """);
        var root = Out("sd3-sized-root");
        var init = CliRunner.Run("init-random", "--pipeline", "sd3", "--transformer-config", config, "--out", root, "--seed", "3");
        Assert.That(init.Code, Is.EqualTo(0), init.Err);
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "transformer", "config.json")))!;
        Assert.That(written["caption_projection_dim"]!.GetValue<int>(), Is.EqualTo(24), "follows heads × head dim");
        Assert.That(written["in_channels"]!.GetValue<int>(), Is.EqualTo(16), "tiny config's field kept");
        var t5 = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "text_encoder_3", "config.json")))!;
        Assert.That(t5["d_model"]!.GetValue<int>(), Is.EqualTo(48), "T5 width = joint_attention_dim");

        var package = Out("sd3-sized-package");
        var export = CliRunner.Run("export", "--pipeline", root, "--out", package, "--max-sequence-length", "20", "--no-whole-graph");
        Assert.That(export.Code, Is.EqualTo(0), export.Err);
        var manifest = Jano.Core.Packages.ModelPackage.Open(package).Manifest;
        Assert.That((manifest.Dims.Depth, manifest.Dims.HiddenSize, manifest.Geometry.Tokens), Is.EqualTo((3, 24, 64)));
        Assert.That(manifest.Geometry.PrefixRows, Is.EqualTo(77 + 20), "77 CLIP rows + 20 T5 rows");
        Assert.That(manifest.Components.TextEncoders.Single(e => e.Kind == "t5").MaxTokens, Is.EqualTo(20));
        Assert.That(manifest.Stages.Blocks.Select(b => b.Kind), Is.EqualTo(new[] { "joint", "joint", "joint-last" }));

        var info = CliRunner.Run("info", package);
        Assert.That(info.Code, Is.EqualTo(0), info.Err);
        Assert.That(info.Out, Does.Contain("97 text rows computed every step"));
        var png = Out("sd3-sized.png");
        var r = CliRunner.Run("generate", "a red bicycle", "--model", package, "--steps", "2", "--dense", "--out", png, "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        using var image = Image.Load<Rgb24>(png);
        Assert.That((image.Width, image.Height), Is.EqualTo((128, 128)), "16 latent pixels × 8");
    }

    [Test]
    public void BadSd3SizingFlagsFailInOneLineAndWriteNothing()
    {
        string Config(string name, string json)
        {
            var path = Out($"bad-sizing-{name}.json");
            File.WriteAllText(path, json);
            return path;
        }
        void InitFails(string[] flags, params string[] fragments)
        {
            var target = Out($"bad-sizing-{Guid.NewGuid():N}");
            AssertOneLineError(CliRunner.Run(["init-random", .. flags, "--out", target]), fragments);
            Assert.That(Directory.Exists(target), Is.False, "nothing written");
        }
        InitFails(["--pipeline", "sd3", "--transformer-config", Out("no-such.json")], "no-such.json", "not found");
        InitFails(["--pipeline", "sd3", "--transformer-config", Config("typo", """{ "num_layer": 4 }""")], "bad-sizing-typo.json", "'num_layer'", "allowed");
        InitFails(["--pipeline", "sd3", "--transformer-config", Config("array", "[1, 2]")], "bad-sizing-array.json", "JSON object");
        InitFails(["--pipeline", "sd3", "--transformer-config", Config("joint", """{ "joint_attention_dim": 32 }""")], "'joint_attention_dim'", "at least 40");
        InitFails(["--pipeline", "sd3", "--transformer-config", Config("layers", """{ "num_layers": 0 }""")], "'num_layers'", "positive");
        InitFails(["--pipeline", "pixart-sigma", "--transformer-config", Config("pixart", "{}")], "--transformer-config", "--pipeline sd3");

        var root = RandomPipeline("sd3", "bad-t5-root");
        foreach (var (length, fragment) in new[] { ("0", "from 1 to 512"), ("513", "from 1 to 512") })
        {
            var package = Out($"bad-t5-{length}");
            AssertOneLineError(CliRunner.Run("export", "--pipeline", root, "--out", package, "--max-sequence-length", length), "--max-sequence-length", fragment);
            Assert.That(Directory.Exists(package), Is.False, "no package left behind");
        }
        var pixart = RandomPipeline("pixart-sigma", "bad-t5-pixart");
        AssertOneLineError(CliRunner.Run("export", "--pipeline", pixart, "--out", Out("bad-t5-pixart-package"), "--max-sequence-length", "20"),
            "--max-sequence-length", "StableDiffusion3");
        Edit(Path.Combine(root, "model_index.json"), j => { j["text_encoder_3"] = new JsonArray(null, null); j["tokenizer_3"] = new JsonArray(null, null); });
        AssertOneLineError(CliRunner.Run("export", "--pipeline", root, "--out", Out("bad-t5-none"), "--max-sequence-length", "20"),
            "model_index.json", "'text_encoder_3' is null");
    }

    [Test]
    public void ASizeThatIsNotAWholeNumberOfVaePatchesIsRefusedInOneLine()
    {
        var root = RandomPipeline("pixart-sigma", "size-root");
        var package = Out("size-package");
        Assert.That(CliRunner.Run("export", "--pipeline", root, "--out", package).Code, Is.EqualTo(0));
        AssertOneLineError(CliRunner.Run("generate", "a bicycle", "--model", package, "--size", "100x64", "--out", Out("s.png")), "100x64", "multiples of 16");
    }

    [Test]
    public void APixArtPackageOfATrainedSizeSnapsToTheNearestAspectRatioBin()
    {
        var root = RandomPipeline("pixart-sigma", "bins-root");
        // The transformer's weights do not depend on sample_size: 32 latents × 8 pixels is PixArt's 256 bin table.
        var config = Path.Combine(root, "transformer", "config.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        json["sample_size"] = 32;
        File.WriteAllText(config, json.ToJsonString());
        var package = Out("bins-package");
        Assert.That(CliRunner.Run("export", "--pipeline", root, "--out", package).Code, Is.EqualTo(0));
        var png = Out("bins.png");
        var r = CliRunner.Run("generate", "a bicycle", "--model", package, "--size", "300x100", "--steps", "2", "--dense", "--out", png, "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Err, Does.Contain("size 300x100 snapped to the nearest PixArt aspect-ratio bin, 432x144"));
        using var image = Image.Load<Rgb24>(png);
        Assert.That((image.Width, image.Height), Is.EqualTo((432, 144)));
    }

    [Test]
    public void BadPipelineFoldersFailInOneLineAndLeaveNoPackage()
    {
        (string Root, string Package) Case(string name, Action<string> spoil)
        {
            var root = RandomPipeline("pixart-alpha", $"bad-{name}");
            spoil(root);
            return (root, Out($"bad-{name}-package"));
        }
        void Expect((string Root, string Package) c, params string[] fragments)
        {
            AssertOneLineError(CliRunner.Run("export", "--pipeline", c.Root, "--out", c.Package), fragments);
            Assert.That(Directory.Exists(c.Package), Is.False, "no package left behind");
            Assert.That(Directory.EnumerateDirectories(_folder.Path, $".bad-*").Any(), Is.False, "no half-written folder either");
        }
        Expect(Case("missing-vae", r => Directory.Delete(Path.Combine(r, "vae"), recursive: true)), "model_index.json", "'vae'", "no folder");
        Expect(Case("class", r => Edit(Path.Combine(r, "model_index.json"), j => j["_class_name"] = "StableDiffusionPipeline")), "model_index.json", "_class_name", "StableDiffusionPipeline");
        Expect(Case("width", r => Edit(Path.Combine(r, "text_encoder", "config.json"), j => j["d_model"] = 48)), "text_encoder", "d_model", "caption_channels");
        Expect(Case("latents", r => Edit(Path.Combine(r, "vae", "config.json"), j => j["latent_channels"] = 16)), "vae", "latent_channels", "in_channels");
        Expect(Case("tokenizer", r => File.WriteAllText(Path.Combine(r, "tokenizer", "spiece.model"), "not a sentencepiece model")), "spiece.model");
        Expect(Case("scheduler", r => Edit(Path.Combine(r, "scheduler", "scheduler_config.json"), j => j["_class_name"] = "LCMScheduler")), "scheduler_config.json", "LCMScheduler");
    }

    private static void Edit(string path, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
