using System.Text.Json.Nodes;
using Jano.Export;
using Jano.Export.Vae;

namespace Jano.Tests.Export.Vae;

/// <summary>What the decoder exporter does not implement is refused with the file and the field (or tensor) named, and no graph is written.</summary>
[TestFixture]
public sealed class AutoencoderKlExportErrorTests
{
    private TinyVae _vae = null!;

    [SetUp]
    public void Create() => _vae = new TinyVae(TinyVae.SmallConfig());

    [TearDown]
    public void Cleanup() => _vae.Dispose();

    private string Fails(string dtype = "float32")
    {
        var e = Assert.Catch(() => _vae.Export(dtype))!;
        Assert.That(e, Is.InstanceOf<IOException>(), "errors are IOExceptions a CLI prints as one line");
        Assert.That(File.Exists(_vae.GraphPath()), Is.False, "no graph written");
        return e.Message;
    }

    private string ConfigFails(Action<JsonObject> change)
    {
        VaeCheckpointEdits.RewriteConfig(_vae.ConfigPath, change);
        var message = Fails();
        Assert.That(message, Does.Contain(_vae.ConfigPath));
        return message;
    }

    [Test]
    public void UnsupportedUpBlockTypeIsNamed() =>
        Assert.That(ConfigFails(j => j["up_block_types"]![1] = "AttnUpDecoderBlock2D"),
            Does.Contain("'up_block_types'").And.Contain("AttnUpDecoderBlock2D"));

    [Test]
    public void UpBlockCountMustMatchTheLevels() =>
        Assert.That(ConfigFails(j => j["up_block_types"]!.AsArray().RemoveAt(0)), Does.Contain("'up_block_types'").And.Contain("block_out_channels"));

    [Test]
    public void OtherActivationIsNamed() =>
        Assert.That(ConfigFails(j => j["act_fn"] = "gelu"), Does.Contain("'act_fn'").And.Contain("gelu"));

    [Test]
    public void OtherClassIsNamed() =>
        Assert.That(ConfigFails(j => j["_class_name"] = "AutoencoderKLCogVideoX"), Does.Contain("'_class_name'"));

    [Test]
    public void UnknownKeyIsNamed() =>
        Assert.That(ConfigFails(j => j["norm_type"] = "spatial"), Does.Contain("'norm_type'"));

    [Test]
    public void LatentStatisticsAreRefused() =>
        Assert.That(ConfigFails(j => j["latents_mean"] = new JsonArray(0.1, 0.2, 0.3, 0.4)), Does.Contain("'latents_mean'"));

    [Test]
    public void GroupsMustDivideTheWidths() =>
        Assert.That(ConfigFails(j => j["norm_num_groups"] = 5), Does.Contain("'block_out_channels'").And.Contain("norm_num_groups 5"));

    [Test]
    public void WrongTypeIsNamed() =>
        Assert.That(ConfigFails(j => j["layers_per_block"] = "two"), Does.Contain("'layers_per_block'"));

    [Test]
    public void ZeroScalingIsRefused() =>
        Assert.That(ConfigFails(j => j["scaling_factor"] = 0), Does.Contain("'scaling_factor'"));

    [Test]
    public void Float16OfAnUpcastVaeIsRefused()
    {
        var message = Fails("float16");
        Assert.That(message, Does.Contain("'force_upcast'").And.Contain(_vae.ConfigPath));
    }

    [Test]
    public void MoreLayersInTheFileThanTheConfigIsAMismatch()
    {
        VaeCheckpointEdits.RewriteConfig(_vae.ConfigPath, j => j["use_post_quant_conv"] = false);
        var message = Fails();
        Assert.That(message, Does.Contain("post_quant_conv.weight").And.Contain(AutoencoderKlRandomCheckpoint.WeightsFile));
    }

    [Test]
    public void MissingTensorIsNamed()
    {
        VaeCheckpointEdits.RewriteWeights(_vae.WeightsPath, (name, shape, data) => name == "decoder.conv_out.bias" ? null : (name, shape, data));
        Assert.That(Fails(), Does.Contain("decoder.conv_out.bias"));
    }

    [Test]
    public void WrongShapeIsNamed()
    {
        VaeCheckpointEdits.RewriteWeights(_vae.WeightsPath, (name, shape, data) =>
            name == "decoder.conv_in.weight" ? (name, [shape[0], shape[1], 1, 9], data) : (name, shape, data));
        Assert.That(Fails(), Does.Contain("decoder.conv_in.weight").And.Contain("expected"));
    }

    [Test]
    public void EncoderTensorsAreIgnored()
    {
        // The random checkpoint carries an encoder stub; more encoder tensors change nothing.
        VaeCheckpointEdits.RewriteWeights(_vae.WeightsPath, (name, shape, data) => (name, shape, data),
            ("encoder.down_blocks.0.resnets.0.conv1.weight", [2, 2, 3, 3], new float[36]));
        Assert.DoesNotThrow(() => _vae.Export());
    }

    [Test]
    public void PipelineRootWithVaeFolderIsAccepted() =>
        Assert.That(AutoencoderKlExporter.VaeFolder(_vae.Folder), Is.EqualTo(_vae.Checkpoint));

    [Test]
    public void MissingConfigIsNamed() =>
        Assert.That(Assert.Throws<ExportException>(() => AutoencoderKlExporter.VaeFolder(Path.Combine(_vae.Folder, "package-none")))!.Message,
            Does.Contain("not found"));
}
