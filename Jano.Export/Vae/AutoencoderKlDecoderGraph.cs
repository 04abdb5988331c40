using System.Globalization;
using Jano.Core.Stages;
using Jano.Export.Onnx;
using Jano.Export.Onnx.Proto;

namespace Jano.Export.Vae;

/// <summary>
/// The decoder as one ONNX graph: latents [batch, C_lat, latent_height, latent_width] → image
/// [batch, out_channels, image_height, image_width], all four sizes symbolic so one graph decodes whole
/// images and tiles of any size. Float32 in and out; with compute type Float16 the weights and
/// activations inside are half, with group-norm statistics and the attention softmax in float32.
/// The upscale factor f (image = f × latent per axis) is model metadata, as ONNX cannot say
/// "image_height = 8·latent_height".
/// </summary>
public static class AutoencoderKlDecoderGraph
{
    public static ModelProto Build(AutoencoderKlConfig config, AutoencoderKlWeights weights, OnnxElementType compute = OnnxElementType.Float)
    {
        const OnnxElementType F = OnnxElementType.Float;
        var g = new OnnxGraphBuilder("vae_decoder", compute);
        var latents = g.Input(DecoderStages.Latents, F, "batch", config.LatentChannels, "latent_height", "latent_width");
        var image = new AutoencoderKlGraphEmitter(config, weights).Decode(g, g.ToCompute(latents));
        g.Output(g.ToFloat32(image), DecoderStages.Image, F, "batch", config.OutChannels, "image_height", "image_width");
        var model = g.Build("AutoencoderKL decoder: vae.decode(latents).sample (no scaling, no clamping)");
        model.MetadataProps.Add(new StringStringEntryProto
        {
            Key = DecoderStages.UpscaleFactorKey,
            Value = config.UpscaleFactor.ToString(CultureInfo.InvariantCulture),
        });
        return model;
    }
}
