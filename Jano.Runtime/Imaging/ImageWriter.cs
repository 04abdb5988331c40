using Jano.Core.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Jano.Runtime.Imaging;

/// <summary>
/// Turns model-space images [C, H, W] with values in [-1, 1] into PNG files: one channel as grayscale,
/// three as RGB; values are mapped to 0..255 and clamped. Several images go side by side in a grid.
/// Files are written atomically.
/// </summary>
public static class ImageWriter
{
    private static float[] Upscale(float[] image, int channels, int h, int w, int scale)
    {
        int bigH = h * scale, bigW = w * scale;
        var o = new float[channels * bigH * bigW];
        for (var c = 0; c < channels; c++)
            for (var y = 0; y < bigH; y++)
                for (var x = 0; x < bigW; x++)
                    o[(c * bigH + y) * bigW + x] = image[(c * h + y / scale) * w + x / scale];
        return o;
    }

    public static byte ToByte(float v)
    {
        var scaled = (v + 1f) * 127.5f;
        if (!(scaled > 0f)) return 0; // also maps NaN to black
        return scaled >= 255f ? (byte)255 : (byte)MathF.Round(scaled);
    }

    /// <param name="scale">Each model pixel becomes scale×scale output pixels (nearest neighbour), for viewing small images.</param>
    public static void SavePng(string path, IReadOnlyList<float[]> images, int channels, int imageHeight, int imageWidth, int? columns = null, int scale = 1)
    {
        var png = EncodePng(images, channels, imageHeight, imageWidth, columns, scale);
        AtomicFile.Write(path, s => s.Write(png));
    }

    /// <summary>The PNG file's bytes (<see cref="SavePng"/>), for writers that place it with other files as a unit.</summary>
    public static byte[] EncodePng(IReadOnlyList<float[]> images, int channels, int imageHeight, int imageWidth, int? columns = null, int scale = 1)
    {
        if (scale < 1 || scale > 64) throw new ArgumentException($"scale must be between 1 and 64, got {scale}");
        int ih = imageHeight, iw = imageWidth;
        if (scale > 1)
        {
            images = images.Select(i => Upscale(i, channels, ih, iw, scale)).ToList();
            ih *= scale;
            iw *= scale;
        }
        if (images.Count == 0) throw new ArgumentException("no images to write");
        if (channels != 1 && channels != 3)
            throw new ArgumentException($"cannot render {channels}-channel latents as an image (1 = grayscale, 3 = RGB); this package has no image decoder");
        var cols = columns ?? (int)Math.Ceiling(Math.Sqrt(images.Count));
        var rows = (images.Count + cols - 1) / cols;
        const int gap = 2;
        int width = cols * iw + (cols - 1) * gap, height = rows * ih + (rows - 1) * gap;
        foreach (var img in images)
            if (img.Length != channels * ih * iw)
                throw new ArgumentException($"image has {img.Length} values, expected {channels}×{ih}×{iw}");

        using var stream = new MemoryStream();
        if (channels == 1)
        {
            using var canvas = new Image<L8>(width, height, new L8(255));
            for (var k = 0; k < images.Count; k++)
            {
                int ox = k % cols * (iw + gap), oy = k / cols * (ih + gap);
                for (var y = 0; y < ih; y++)
                    for (var x = 0; x < iw; x++)
                        canvas[ox + x, oy + y] = new L8(ToByte(images[k][y * iw + x]));
            }
            canvas.SaveAsPng(stream);
        }
        else
        {
            using var canvas = new Image<Rgb24>(width, height, new Rgb24(255, 255, 255));
            var plane = ih * iw;
            for (var k = 0; k < images.Count; k++)
            {
                int ox = k % cols * (iw + gap), oy = k / cols * (ih + gap);
                for (var y = 0; y < ih; y++)
                    for (var x = 0; x < iw; x++)
                    {
                        var i = y * iw + x;
                        canvas[ox + x, oy + y] = new Rgb24(ToByte(images[k][i]), ToByte(images[k][plane + i]), ToByte(images[k][2 * plane + i]));
                    }
            }
            canvas.SaveAsPng(stream);
        }
        return stream.ToArray();
    }
}
