using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Jano.Train.Data;

/// <summary>
/// Fashion-MNIST from the gzipped IDX files of Debian's dataset-fashion-mnist, as the model sees it:
/// 28×28 padded to 32×32 (patch 2 needs a size the patch divides; 32 = 16×16 tokens) with the
/// background value, scaled to [−1, 1].
/// </summary>
public sealed record FashionMnist(Tensor Images, long[] Labels)
{
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";
    public const int Side = 28, Padded = 32;

    public int Count => Labels.Length;

    /// <param name="split">"train" or "t10k"</param>
    public static FashionMnist Load(string folder, string split)
    {
        var pixels = ReadIdx(Path.Combine(folder, $"{split}-images-idx3-ubyte.gz"), 3);
        var labels = ReadIdx(Path.Combine(folder, $"{split}-labels-idx1-ubyte.gz"), 1);
        int n = labels.Length;
        if (pixels.Length != n * Side * Side)
            throw new InvalidDataException($"{split}: {pixels.Length} pixels for {n} labels");

        var padded = new float[n * Padded * Padded];
        Array.Fill(padded, -1f); // background: pixel 0 scaled to −1
        int offset = (Padded - Side) / 2;
        for (int i = 0; i < n; i++)
        for (int y = 0; y < Side; y++)
        for (int x = 0; x < Side; x++)
            padded[(i * Padded + y + offset) * Padded + x + offset] = pixels[(i * Side + y) * Side + x] / 127.5f - 1f;
        return new FashionMnist(tensor(padded, [n, 1, Padded, Padded]), Array.ConvertAll(labels, l => (long)l));
    }

    /// <summary>The payload of an IDX file (big-endian header: magic with the rank in its low byte, then dims).</summary>
    private static byte[] ReadIdx(string path, int rank)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gz.CopyTo(memory);
        var bytes = memory.ToArray();
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != 0x0800 + rank)
            throw new InvalidDataException($"{path}: IDX magic 0x{magic:x}, expected 0x{0x0800 + rank:x}");
        return bytes[(4 + 4 * rank)..];
    }
}
