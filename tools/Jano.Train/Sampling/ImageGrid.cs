using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Jano.Train.Sampling;

/// <summary>Writes single-channel images in [−1, 1] as one grayscale PNG grid, upscaled for viewing.</summary>
public static class ImageGrid
{
    /// <param name="images">[rows·cols, 1, S, S], row-major</param>
    public static void Save(string path, Tensor images, int cols, int scale = 3)
    {
        long n = images.shape[0], s = images.shape[2];
        int rows = (int)((n + cols - 1) / cols), side = (int)s * scale, gap = 2;
        var pixels = ((images.clamp(-1, 1) + 1) * 127.5f).to_type(ScalarType.Byte).data<byte>().ToArray();
        using var image = new Image<L8>(cols * (side + gap) + gap, rows * (side + gap) + gap, new L8(40));
        for (int k = 0; k < n; k++)
        {
            int ox = gap + k % cols * (side + gap), oy = gap + k / cols * (side + gap);
            for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                image[ox + x, oy + y] = new L8(pixels[(k * s + y / scale) * s + x / scale]);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        image.SaveAsPng(path);
    }
}
