using System.Text.Json.Nodes;
using Jano.Core.Acceleration;
using Jano.Export;
using Jano.Export.Pipelines;
using Jano.Export.Sd3;

namespace Jano.Tests.Export;

/// <summary>
/// SD3 pipeline folders and sizes that cannot work, each refused in one line naming the file and field
/// (or the flag and its limit) before anything is written; and the SD3 package's Jano preset default.
/// The wiring checked is diffusers' encode_prompt: the CLIP-L ⊕ CLIP-G states are zero-padded to
/// joint_attention_dim, which T5's states (appended along tokens) must have, and pooled_projection_dim
/// is the two CLIP projections side by side.
/// </summary>
[TestFixture]
public sealed class Sd3ExportErrorTests
{
    private TempFolder _folder = null!;
    private string Root => _folder.File("pipeline");
    private string Package => _folder.File("package");

    [SetUp]
    public void Create()
    {
        _folder = new TempFolder();
        Sd3RandomPipeline.Write(Sd3RandomPipeline.Name, Root, seed: 5); // CLIP-L 16 + CLIP-G 24 = joint 40 = T5 d_model; pooled 8 + 12; sample 8, patch 2, pos_embed_max_size 16
    }

    [TearDown]
    public void Cleanup() => _folder.Dispose();

    private string ExportFails(ExportOptions? options = null)
    {
        var e = Assert.Throws<ExportException>(() => Sd3PipelineExporter.Export(Root, Package, options ?? new ExportOptions { WholeGraph = false }))!;
        TestContext.Out.WriteLine(e.Message);
        Assert.That(e.Message, Does.Not.Contain('\n'), "one line");
        Assert.That(Directory.Exists(Package), Is.False, "a failed export leaves no package");
        Assert.That(Directory.GetDirectories(_folder.Path).Where(d => Path.GetFileName(d).StartsWith('.')), Is.Empty, "no temporary folder left behind");
        return e.Message;
    }

    private void Edit(string file, Action<JsonObject> edit)
    {
        var path = Path.Combine(Root, file);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    private string TransformerConfig => Path.Combine(Root, "transformer", "config.json");

    [Test]
    public void AJointWidthOtherThanT5sIsRefusedNamingBothFields()
    {
        Edit("transformer/config.json", j => j["joint_attention_dim"] = 48); // the CLIP states (40) still fit
        Assert.That(ExportFails(), Does.StartWith(TransformerConfig).And.Contain("'joint_attention_dim' is 48").And.Contain("text_encoder_3's 'd_model' is 40"));
    }

    [Test]
    public void AT5WidthOtherThanTheJointWidthIsRefusedNamingBothFields()
    {
        Edit("text_encoder_3/config.json", j => j["d_model"] = 32);
        Assert.That(ExportFails(), Does.Contain("'joint_attention_dim' is 40").And.Contain("'d_model' is 32").And.Contain(Path.Combine("text_encoder_3", "config.json")));
    }

    [Test]
    public void AJointWidthNarrowerThanTheClipStatesIsRefused()
    {
        Edit("transformer/config.json", j => j["joint_attention_dim"] = 32);
        Assert.That(ExportFails(), Does.StartWith(TransformerConfig).And.Contain("'joint_attention_dim' is 32").And.Contain("16 + 24").And.Contain("'hidden_size'"));
    }

    [Test]
    public void APooledWidthOtherThanTheTwoProjectionsIsRefused()
    {
        Edit("transformer/config.json", j => j["pooled_projection_dim"] = 21);
        Assert.That(ExportFails(), Does.StartWith(TransformerConfig).And.Contain("'pooled_projection_dim' is 21").And.Contain("8 + 12").And.Contain("'projection_dim'"));
    }

    [TestCase("text_encoder_2")]
    [TestCase("tokenizer_2")]
    public void APipelineWithoutItsSecondClipIsRefusedNamingTheComponent(string component)
    {
        Edit("model_index.json", j => j[component] = new JsonArray(null, null));
        Assert.That(ExportFails(), Does.Contain("model_index.json").And.Contain($"field '{component}' is missing or null"));
    }

    [Test]
    public void AComponentPairOfNumbersIsRefusedNamingTheComponent()
    {
        Edit("model_index.json", j => j["text_encoder_2"] = new JsonArray(1, 2)); // not [library, class] strings
        Assert.That(ExportFails(), Does.Contain("model_index.json").And.Contain("field 'text_encoder_2' must be [library, class] as two strings or null"));
    }

    [Test]
    public void AListedSecondClipWithoutItsFolderIsRefused()
    {
        Directory.Delete(Path.Combine(Root, "text_encoder_2"), recursive: true);
        Assert.That(ExportFails(), Does.Contain("model_index.json").And.Contain("'text_encoder_2'").And.Contain("no folder"));
    }

    [Test]
    public void APositionGridSmallerThanTheConfigsOwnSizeIsRefused()
    {
        Edit("transformer/config.json", j => j["pos_embed_max_size"] = 3); // sample 8 / patch 2 = a 4×4 grid
        Assert.That(ExportFails(), Does.StartWith(TransformerConfig).And.Contain("'pos_embed_max_size' is 3").And.Contain("= 4"));
    }

    [Test]
    public void ASizeBeyondThePositionGridIsRefusedNamingTheLimit()
    {
        Assert.That(ExportFails(new ExportOptions { WholeGraph = false, Size = (8, 34) }),
            Does.StartWith("--size 8x34").And.Contain("4×17").And.Contain("pos_embed_max_size 16").And.Contain("at most 32 latent pixels"));
    }

    [Test]
    public void ASizeThatIsNotWholePatchesIsRefused()
    {
        Assert.That(ExportFails(new ExportOptions { WholeGraph = false, Size = (9, 8) }), Does.StartWith("--size 9x8").And.Contain("patchSize: 2 must divide"));
    }

    [Test]
    public void ATransformerCheckpointBeyondThePositionGridIsRefusedToo()
    {
        var e = Assert.Throws<ExportException>(() => Sd3Exporter.Export(Path.Combine(Root, "transformer"), Package, 6,
            new ExportOptions { Sampler = "flow-euler", WholeGraph = false, Size = (40, 8) }))!;
        Assert.That(e.Message, Does.StartWith("--size 40x8").And.Contain("pos_embed_max_size 16"));
        Assert.That(Directory.Exists(Package), Is.False);
    }

    [Test]
    public void AnSd3PackageDefaultsToTheSd3PresetUnlessToldOtherwise()
    {
        var manifest = Sd3PipelineExporter.Export(Root, Package, new ExportOptions { WholeGraph = false });
        Assert.That(manifest.DefaultJanoPreset, Is.EqualTo(JanoPresets.Sd3));
        var sd3 = manifest.JanoPresets![JanoPresets.Sd3];
        Assert.That((sd3.Warmup, sd3.Cooldown, sd3.StaticThreshold, sd3.MediumThreshold, sd3.StaticInterval, sd3.MediumInterval), Is.EqualTo((5, 2, 0.25, 0.25, 8, 4)));
        Assert.That((sd3.BlockHeight, sd3.BlockWidth), Is.EqualTo((2, 2)), "8×8 latents: blocks of at least 2×2 pixels");
        Assert.That(manifest.Transformer.Positions?.MaxSize, Is.EqualTo(16), "the random pipeline's table is diffusers' sin-cos one");

        var other = _folder.File("package-reference");
        Assert.That(Sd3PipelineExporter.Export(Root, other, new ExportOptions { WholeGraph = false, DefaultJanoPreset = JanoPresets.Reference }).DefaultJanoPreset,
            Is.EqualTo(JanoPresets.Reference), "--jano-preset decides");
    }
}
