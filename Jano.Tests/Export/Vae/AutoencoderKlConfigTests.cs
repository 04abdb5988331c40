using System.Text.Json.Nodes;
using Jano.Export.Vae;

namespace Jano.Tests.Export.Vae;

/// <summary>Defaults of fields older VAE configs lack, as diffusers' AutoencoderKL.__init__ has them.</summary>
[TestFixture]
public sealed class AutoencoderKlConfigTests
{
    /// <summary>The shape of SD 1.x's vae/config.json (diffusers 0.x era): no post-quant, attention, shift or upcast fields.</summary>
    private static JsonObject OldSdConfig() => JsonNode.Parse("""
        {
          "_class_name": "AutoencoderKL", "_diffusers_version": "0.6.0", "act_fn": "silu",
          "block_out_channels": [128, 256, 512, 512],
          "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
          "in_channels": 3, "latent_channels": 4, "layers_per_block": 2, "norm_num_groups": 32, "out_channels": 3,
          "sample_size": 512,
          "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"]
        }
        """)!.AsObject();

    [Test]
    public void MissingFieldsTakeDiffusersDefaults()
    {
        var c = AutoencoderKlConfig.Parse(OldSdConfig(), "vae/config.json");
        Assert.That(c.ScalingFactor, Is.EqualTo(0.18215));
        Assert.That(c.ShiftFactor, Is.Null);
        Assert.That(c.UsePostQuantConv, Is.True);
        Assert.That(c.MidBlockAddAttention, Is.True);
        Assert.That(c.ForceUpcast, Is.True);
        Assert.That(c.UpscaleFactor, Is.EqualTo(8));
        Assert.That(c.TopChannels, Is.EqualTo(512));
        Assert.That(c.DefaultTileLatents, Is.EqualTo(64), "diffusers' tile_latent_min_size for SD: 512 / 8");
    }

    [Test]
    public void SdDecoderHasSdsTensorCount()
    {
        // SD 1.x's decoder + post_quant_conv: 140 tensors (post_quant_conv 2, conv_in 2, mid resnets 16, attention 10, 12 up-block resnets 96 + shortcuts 4, upsamplers 6, norm 2, conv_out 2); 49.49 M parameters.
        var tensors = AutoencoderKlWeights.ExpectedTensors(AutoencoderKlConfig.Parse(OldSdConfig(), "vae/config.json")).ToList();
        Assert.That(tensors.Count(t => t.Key.Contains("conv_shortcut")), Is.EqualTo(4), "two up blocks narrow 512→256→128, weight and bias each");
        Assert.That(tensors.Count, Is.EqualTo(140));
        Assert.That(tensors.Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b)), Is.EqualTo(49_490_199L));
    }

    [Test]
    public void ListSampleSizeUsesItsFirstEntry()
    {
        var json = OldSdConfig();
        json["sample_size"] = new JsonArray(768, 512);
        Assert.That(AutoencoderKlConfig.Parse(json, "vae/config.json").SampleSize, Is.EqualTo(768));
    }

    [Test]
    public void SwishIsSilu()
    {
        var json = OldSdConfig();
        json["act_fn"] = "swish";
        Assert.DoesNotThrow(() => AutoencoderKlConfig.Parse(json, "vae/config.json"));
    }
}
