namespace Jano.Runtime.Decoders;

/// <summary>
/// Turns the transformer's latents of one image, [LatentChannels, h, w] row-major, into the image
/// [OutputChannels, f·h, f·w] with f = <see cref="UpscaleFactor"/>, values nominally in [-1, 1]. The values
/// are not clamped: diffusers returns the raw sample too, and the image writer clamps when it maps to bytes.
/// </summary>
public interface IDecoder : IDisposable
{
    int LatentChannels { get; }
    int OutputChannels { get; }
    /// <summary>Output pixels per latent along each axis: 1 for pixel-space models, 8 for a four-level VAE.</summary>
    int UpscaleFactor { get; }

    float[] Decode(ReadOnlySpan<float> latents, int height, int width);
}
