using System.Text;
using Jano.Core.IO;

namespace Jano.Tests.Core.IO;

/// <summary>A safetensors header that is not valid UTF-8 is refused in one line naming the file.</summary>
[TestFixture]
public sealed class SafetensorsHeaderTextTests
{
    /// <summary>A file whose header JSON has <paramref name="bad"/> spliced in place of the marker "@".</summary>
    private static string Write(TempFolder folder, string headerWithMarker, byte[] bad)
    {
        var text = Encoding.UTF8.GetBytes(headerWithMarker);
        var at = Array.IndexOf(text, (byte)'@');
        var header = text[..at].Concat(bad).Concat(text[(at + 1)..]).ToArray();
        var path = folder.File("bad.safetensors");
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)header.Length));
        stream.Write(header);
        stream.Write(new byte[4]);
        return path;
    }

    [TestCase("{\"w@\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[] { 0xff })]
    [TestCase("{\"w@\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[] { 0xc3, 0x28 })]
    [TestCase("{\"__metadata__\":{\"format\":\"p@t\"},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[] { 0xed, 0xa0, 0x80 })]
    public void InvalidUtf8NamesTheFile(string header, byte[] bad)
    {
        using var folder = new TempFolder();
        var path = Write(folder, header, bad);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose())!;
        Assert.That(e.Message, Does.StartWith(path + ": "));
        Assert.That(e.Message, Does.Contain("not valid Unicode"));
        Assert.That(e.Message, Does.Not.Contain("\n"));
    }
}
