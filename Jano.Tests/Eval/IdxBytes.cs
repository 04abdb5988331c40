using System.Buffers.Binary;
using System.IO.Compression;

namespace Jano.Tests.Eval;

/// <summary>IDX files assembled byte by byte (magic, big-endian dimensions, data), independent of the reader under test.</summary>
internal static class IdxBytes
{
    public static byte[] Build(int[] dims, byte[] data, byte type = 0x08)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (var i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(plain);
        return output.ToArray();
    }
}
