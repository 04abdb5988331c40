using System.Buffers.Binary;
using System.Text;
using Jano.Core.IO;

namespace Jano.Tests.Core.IO;

/// <summary>Layout the writer promises (padding, order, contiguity), input validation, and atomic replacement.</summary>
public class SafetensorsWriterTests : TempFolderTests
{
    [Test]
    public void HeaderIsPaddedWithSpacesToAMultipleOfEight()
    {
        string path = Folder.File("pad.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsTensor.FromFloat32("x", [1], [7f])]);

        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Multiple(() =>
        {
            Assert.That(headerLength % 8, Is.Zero);
            Assert.That(header.TrimEnd(' '), Does.EndWith("}"));
            Assert.That(header, Does.StartWith("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"));
            Assert.That(bytes.Length, Is.EqualTo(8 + headerLength + 4));
            Assert.That(bytes[^4..], Is.EqualTo(new byte[] { 0x00, 0x00, 0xE0, 0x40 }), "7.0f");
        });
    }

    [Test]
    public void TensorsAreContiguousInTheGivenOrder()
    {
        string path = Folder.File("order.safetensors");
        SafetensorsWriter.Write(path,
        [
            SafetensorsTensor.FromFloat32As("z.last_name_first", [3], [1f, 2f, 3f], SafetensorsDType.F16),
            SafetensorsTensor.FromFloat32("a", [2], [4f, 5f]),
            new SafetensorsTensor("m", SafetensorsDType.U8, [1], new byte[] { 9 }),
        ]);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.That(file.Entries.Keys, Is.EqualTo(new[] { "z.last_name_first", "a", "m" }));
        Assert.That(file.Entries.Values.Select(e => (e.Offset, e.Length)), Is.EqualTo(new[] { (0L, 6L), (6L, 8L), (14L, 1L) }));
    }

    [Test]
    public void ShapeThatDisagreesWithDataIsRejectedBeforeAnythingIsWritten()
    {
        string path = Folder.File("bad.safetensors");
        var error = Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(path, [new SafetensorsTensor("w", SafetensorsDType.F32, [3], new byte[8])]));
        Assert.That(error!.Message, Does.Contain("'w'").And.Contain("needs 12 bytes"));
        Assert.That(Directory.EnumerateFileSystemEntries(Folder.Path), Is.Empty);
    }

    [Test]
    public void DuplicateNegativeAndReservedNamesAreRejected()
    {
        string path = Folder.File("bad.safetensors");
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path,
            [SafetensorsTensor.FromFloat32("w", [1], [1f]), SafetensorsTensor.FromFloat32("w", [1], [1f])]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path,
            [new SafetensorsTensor("w", SafetensorsDType.F32, [-1], ReadOnlyMemory<byte>.Empty)]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path,
            [SafetensorsTensor.FromFloat32("__metadata__", [1], [1f])]));
        Assert.Throws<ArgumentException>(() => SafetensorsTensor.FromFloat32As("w", [1], [1f], SafetensorsDType.I8));
        Assert.That(Directory.EnumerateFileSystemEntries(Folder.Path), Is.Empty);
    }

    [Test]
    public void WriteReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        string path = Folder.File("model.safetensors");
        File.WriteAllText(path, "old contents");
        SafetensorsWriter.Write(path, [SafetensorsTensor.FromFloat32("w", [2], [1f, 2f])]);
        SafetensorsWriter.Write(path, [SafetensorsTensor.FromFloat32("w", [1], [3f])]);

        Assert.That(Directory.EnumerateFileSystemEntries(Folder.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "model.safetensors" }));
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.That(file.ReadAsFloat32("w"), Is.EqualTo(new[] { 3f }));
    }

    [Test]
    public void FailedWriteLeavesNoTemporaryFile()
    {
        // The target is an existing folder, so the final move fails after the temporary file was written.
        string path = Folder.File("taken");
        Directory.CreateDirectory(path);
        Assert.Catch<IOException>(() => SafetensorsWriter.Write(path, [SafetensorsTensor.FromFloat32("w", [1], [1f])]));
        Assert.That(Directory.EnumerateFileSystemEntries(Folder.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "taken" }));
    }

    [Test]
    public void OpenReaderDoesNotBlockAnAtomicReplace()
    {
        // The old mapping stays valid for its reader; new opens see the new file.
        string path = Folder.File("live.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsTensor.FromFloat32("w", [1], [1f])]);
        using SafetensorsFile old = SafetensorsFile.Open(path);
        SafetensorsWriter.Write(path, [SafetensorsTensor.FromFloat32("w", [1], [2f])]);
        using SafetensorsFile current = SafetensorsFile.Open(path);
        Assert.That(old.ReadAsFloat32("w"), Is.EqualTo(new[] { 1f }));
        Assert.That(current.ReadAsFloat32("w"), Is.EqualTo(new[] { 2f }));
    }
}
