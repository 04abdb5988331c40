namespace Jano.Runtime.Decoders;

/// <summary>
/// The decoder of pixel-space packages (components.decoder.kind "none"): the latents are the image, so
/// decoding is a copy and the images stay bit-identical to the latents.
/// </summary>
public sealed class IdentityDecoder(int channels) : IDecoder
{
    public int LatentChannels { get; } = channels > 0 ? channels : throw new ArgumentOutOfRangeException(nameof(channels), channels, "must be positive");
    public int OutputChannels => LatentChannels;
    public int UpscaleFactor => 1;

    public float[] Decode(ReadOnlySpan<float> latents, int height, int width)
    {
        DecoderChecks.Latents(latents.Length, LatentChannels, height, width);
        return latents.ToArray();
    }

    public void Dispose() { }
}
