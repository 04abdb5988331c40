using System.Buffers.Binary;
using System.IO.Compression;

namespace Jano.Eval;

/// <summary>
/// Reads IDX files, the container of the MNIST family, gzipped or plain (told apart by the gzip magic,
/// not the file name). Layout: two zero bytes, a type code, the number of dimensions, one big-endian
/// int32 per dimension, then the values. Only unsigned bytes (type 0x08) are supported: images and
/// labels of every MNIST-style data set use nothing else.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByte = 0x08;

    public static IdxArray Read(string path)
    {
        byte[] raw;
        try { raw = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"{path}: file not found", path, e);
        }
        return Parse(path, raw);
    }

    /// <summary>Parses the bytes of a file; <paramref name="path"/> only names it in errors.</summary>
    public static IdxArray Parse(string path, byte[] bytes)
    {
        var content = IsGzip(bytes) ? Gunzip(path, bytes) : bytes;
        if (content.Length < 4)
            throw new IdxFormatException(path, $"truncated: {content.Length} bytes, shorter than the 4-byte magic number");
        if (content[0] != 0 || content[1] != 0)
            throw new IdxFormatException(path, $"bad magic number 0x{content[0]:X2}{content[1]:X2}{content[2]:X2}{content[3]:X2}: an IDX file starts with two zero bytes");
        if (content[2] != UnsignedByte)
            throw new IdxFormatException(path, $"value type 0x{content[2]:X2} is not supported; only unsigned bytes (0x08) are");
        int rank = content[3];
        var headerLength = 4 + 4 * rank;
        if (content.Length < headerLength)
            throw new IdxFormatException(path, $"truncated: the header of {rank} dimensions needs {headerLength} bytes, the file holds {content.Length}");
        var dims = new int[rank];
        long total = 1;
        for (var i = 0; i < rank; i++)
        {
            var d = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(4 + 4 * i));
            if (d < 0) throw new IdxFormatException(path, $"dimension {i} is negative ({d})");
            dims[i] = d;
            total *= d;
        }
        var available = content.Length - headerLength;
        if (total > available)
            throw new IdxFormatException(path, $"truncated: the header promises {total} bytes of data ({string.Join("×", dims)}), the file holds {available}");
        if (total < available)
            throw new IdxFormatException(path, $"{available - total} bytes beyond the {total} bytes of data the header promises ({string.Join("×", dims)})");
        return new IdxArray(dims, content.AsSpan(headerLength).ToArray());
    }

    private static bool IsGzip(byte[] bytes) => bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;

    private static byte[] Gunzip(string path, byte[] bytes)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new IdxFormatException(path, $"the gzip stream is corrupt or truncated ({e.Message})", e);
        }
    }
}
