using System.Buffers.Binary;
using System.Text;

namespace Jano.Tests.Core.IO;

/// <summary>A byte-level safetensors file builder that does not use the writer under test, so malformed files can be made.</summary>
internal static class RawSafetensorsFile
{
    /// <summary>Writes 8-byte little-endian header length, the header text as given (no padding), then the data bytes.</summary>
    public static string WriteRaw(this TempFolder folder, string name, string headerJson, params byte[] data) =>
        folder.WriteRaw(name, (ulong)Encoding.UTF8.GetByteCount(headerJson), headerJson, data);

    /// <summary>As above, with a declared header length that may lie.</summary>
    public static string WriteRaw(this TempFolder folder, string name, ulong declaredHeaderLength, string headerJson, params byte[] data)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredHeaderLength);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        string path = folder.File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }
}
