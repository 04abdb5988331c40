namespace Jano.Runtime.Decoders;

internal static class DecoderChecks
{
    public static void Latents(int length, int channels, int height, int width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"latent size must be positive, got {height}x{width}");
        if (length != (long)channels * height * width)
            throw new ArgumentException($"latents hold {length} values; [{channels}, {height}, {width}] needs {(long)channels * height * width}");
    }
}
