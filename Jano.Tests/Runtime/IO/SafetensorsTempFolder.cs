using System.Buffers.Binary;
using System.Text;

namespace Jano.Tests.Runtime.IO;

/// <summary>A fresh temporary folder per test, deleted on dispose, plus a byte-level file builder that does not use the writer under test.</summary>
internal sealed class SafetensorsTempFolder : IDisposable
{
    public SafetensorsTempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "jano-st-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes 8-byte little-endian header length, the header text as given (no padding), then the data bytes.</summary>
    public string WriteRaw(string name, string headerJson, params byte[] data) =>
        WriteRaw(name, (ulong)Encoding.UTF8.GetByteCount(headerJson), headerJson, data);

    /// <summary>As above, with a declared header length that may lie.</summary>
    public string WriteRaw(string name, ulong declaredHeaderLength, string headerJson, params byte[] data)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredHeaderLength);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        string path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
