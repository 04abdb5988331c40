namespace Jano.Eval;

/// <summary>
/// Undoes the default model's framing so a generated image can be compared with dataset images: the
/// model works on 28×28 Fashion-MNIST images padded by 2 pixels a side to 32×32, in [-1, 1]; the
/// dataset's vectors are the 28×28 images in [0, 1]. Values outside [-1, 1] are clamped (as the PNG
/// writer does) and NaN becomes 0, so a diverged sample is scored as what one would see.
/// </summary>
public static class FashionImageCrop
{
    /// <summary>The central 28×28 pixels of a one-channel size×size image, mapped [-1, 1] → [0, 1].</summary>
    public static float[] FromModelImage(ReadOnlySpan<float> image, int size)
    {
        const int inner = FashionMnist.ImageSize;
        if (size < inner) throw new ArgumentException($"a {size}×{size} image is smaller than the {inner}×{inner} Fashion-MNIST frame");
        if (image.Length != size * size)
            throw new ArgumentException($"image has {image.Length} values, expected one channel of {size}×{size}");
        var offset = (size - inner) / 2;
        var result = new float[inner * inner];
        for (var y = 0; y < inner; y++)
            for (var x = 0; x < inner; x++)
            {
                var v = (image[(y + offset) * size + x + offset] + 1f) * 0.5f;
                result[y * inner + x] = v > 0f ? Math.Min(v, 1f) : 0f; // NaN fails v > 0
            }
        return result;
    }
}
