namespace Jano.Core.Stages;

/// <summary>
/// The decoder graph of a latent-space package (components.decoder.graph): its tensor names and the
/// metadata key that says how many pixels one latent becomes. Named here so that the exporter and the
/// runtime agree on them.
/// </summary>
public static class DecoderStages
{
    public const string Role = "decoder";

    /// <summary>[batch, latent_channels, latent_height, latent_width], float32: the VAE's own latent
    /// (diffusers' vae.decode input: the transformer's latents already divided by the scaling factor and shifted).</summary>
    public const string Latents = "latents";

    /// <summary>[batch, out_channels, f·latent_height, f·latent_width], float32, nominally in [-1, 1] (not clamped).</summary>
    public const string Image = "image";

    /// <summary>ONNX model metadata key: f, the output pixels per latent along each axis (8 for four levels).</summary>
    public const string UpscaleFactorKey = "jano.upscale_factor";

    public static readonly StageSignature Signature = new(Role, [Latents], [Image]);
}
