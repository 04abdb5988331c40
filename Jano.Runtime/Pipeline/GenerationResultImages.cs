using Jano.Runtime.Imaging;

namespace Jano.Runtime.Pipeline;

/// <summary>
/// A result's image as applications take it: 8-bit pixels or PNG bytes, mapped from the model's
/// [-1, 1] range as <see cref="ImageWriter"/> maps it for files (clamped; NaN to black).
/// </summary>
public static class GenerationResultImages
{
    /// <summary>The image as a PNG file's bytes: grayscale for one channel, RGB for three.</summary>
    /// <exception cref="ArgumentException">The image has neither 1 nor 3 channels (a latent-space package without a decoder).</exception>
    public static byte[] ToPng(this GenerationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return ImageWriter.EncodePng([result.Image], result.Channels, result.Height, result.Width);
    }

    /// <summary>
    /// The image as 8-bit pixels, row-major with the channels interleaved ([Height, Width, Channels]:
    /// the layout of L8 and RGB24 bitmaps), from the planar [Channels, Height, Width] floats of <see cref="GenerationResult.Image"/>.
    /// </summary>
    public static byte[] ToPixels(this GenerationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        int c = result.Channels, plane = result.Height * result.Width;
        if (result.Image.Length != c * plane)
            throw new ArgumentException($"the result's image has {result.Image.Length} values, expected {c}×{result.Height}×{result.Width}");
        var pixels = new byte[c * plane];
        for (var ch = 0; ch < c; ch++)
            for (var p = 0; p < plane; p++)
                pixels[p * c + ch] = ImageWriter.ToByte(result.Image[ch * plane + p]);
        return pixels;
    }
}
