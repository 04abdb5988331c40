namespace Jano.Tests.Eval;

/// <summary>
/// A tiny stand-in for Fashion-MNIST: 28×28 images where class c is a bright horizontal band at rows
/// 2c + 4 .. 2c + 7 plus a little seeded noise, so any sensible classifier separates the classes
/// perfectly. Can be written as the four gzipped IDX files of the real data set's layout.
/// </summary>
internal static class SyntheticFashion
{
    public const int Size = 28;

    /// <summary>The noiseless image of class c as bytes.</summary>
    public static byte[] Pattern(int c)
    {
        var image = new byte[Size * Size];
        for (var y = 2 * c + 4; y < 2 * c + 8; y++)
            for (var x = 4; x < 24; x++) image[y * Size + x] = 230;
        return image;
    }

    /// <summary>perClass noisy images of each of the 10 classes, class-major.</summary>
    public static (byte[] Pixels, byte[] Labels) Images(int perClass, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[10 * perClass * Size * Size];
        var labels = new byte[10 * perClass];
        for (var c = 0; c < 10; c++)
            for (var i = 0; i < perClass; i++)
            {
                var n = c * perClass + i;
                labels[n] = (byte)c;
                var pattern = Pattern(c);
                for (var p = 0; p < pattern.Length; p++)
                    pixels[n * Size * Size + p] = (byte)Math.Clamp(pattern[p] + random.Next(-20, 21), 0, 255);
            }
        return (pixels, labels);
    }

    public static Jano.Eval.LabelledImages Set(int perClass, int seed)
    {
        var (pixels, labels) = Images(perClass, seed);
        return new Jano.Eval.LabelledImages(pixels, labels, Size, Size);
    }

    /// <summary>Writes train (trainPerClass a class) and test (testPerClass) as the four gzipped IDX files into folder.</summary>
    public static void WriteFolder(string folder, int trainPerClass = 5, int testPerClass = 3)
    {
        Directory.CreateDirectory(folder);
        Write(folder, "train", Images(trainPerClass, 1));
        Write(folder, "t10k", Images(testPerClass, 2));
    }

    private static void Write(string folder, string prefix, (byte[] Pixels, byte[] Labels) set)
    {
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"),
            IdxBytes.Gzip(IdxBytes.Build([set.Labels.Length, Size, Size], set.Pixels)));
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"),
            IdxBytes.Gzip(IdxBytes.Build([set.Labels.Length], set.Labels)));
    }

    /// <summary>A one-channel size × size model image in [-1, 1]: the class pattern inside a black border.</summary>
    public static float[] ModelImage(int c, int size = 32)
    {
        var image = new float[size * size];
        Array.Fill(image, -1f);
        var pattern = Pattern(c);
        var offset = (size - Size) / 2;
        for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
                image[(y + offset) * size + x + offset] = pattern[y * Size + x] / 127.5f - 1f;
        return image;
    }
}
