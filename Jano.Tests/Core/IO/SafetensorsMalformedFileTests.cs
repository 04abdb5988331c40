using Jano.Core.IO;

namespace Jano.Tests.Core.IO;

/// <summary>Every header violation must be a <see cref="SafetensorsFormatException"/> that names the file and, where one is to blame, the tensor.</summary>
public class SafetensorsMalformedFileTests : TempFolderTests
{
    [Test]
    public void TruncatedDataNamesTheTensorThatNoLongerFits()
    {
        string path = Folder.File("model.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsTensor.FromFloat32("blocks.0.w", [3], [1f, 2f, 3f])]);
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length - 4);

        var error = OpenFails(path, "blocks.0.w");
        Assert.That(error.Message, Does.Contain("data_offsets [0, 12] lie outside the 8-byte data section"));
    }

    [TestCase(0)]
    [TestCase(5)]
    public void FileShorterThanTheLengthPrefix(int length)
    {
        string path = Folder.File("short.safetensors");
        File.WriteAllBytes(path, new byte[length]);
        var error = OpenFails(path, null);
        Assert.That(error.Message, Does.Contain("too short"));
    }

    [Test]
    public void HeaderLengthLargerThanTheFile()
    {
        string path = Folder.WriteRaw("long.safetensors", 1000, "{}");
        var error = OpenFails(path, null);
        Assert.That(error.Message, Does.Contain("header length 1000"));
    }

    [Test]
    public void HeaderLengthAboveTheCap()
    {
        string path = Folder.WriteRaw("huge.safetensors", ulong.MaxValue, "{}");
        OpenFails(path, null);
    }

    [Test]
    public void OffsetsOutsideTheDataSection()
    {
        string path = Folder.WriteRaw("outside.safetensors",
            "{\"blocks.0.w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", new byte[8]);
        var error = OpenFails(path, "blocks.0.w");
        Assert.That(error.Message, Does.EndWith("outside.safetensors: tensor 'blocks.0.w': data_offsets [0, 12] lie outside the 8-byte data section"));
    }

    [Test]
    public void BeginAfterEnd() =>
        OpenFails(Folder.WriteRaw("reversed.safetensors",
            "{\"w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}", new byte[4]), "w");

    [Test]
    public void NegativeOffset() =>
        OpenFails(Folder.WriteRaw("negoff.safetensors",
            "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[-1,0]}}", new byte[4]), "w");

    [Test]
    public void OverlappingTensors()
    {
        string path = Folder.WriteRaw("overlap.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}," +
            "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        var error = OpenFails(path, "b");
        Assert.That(error.Message, Does.Contain("overlap tensor 'a'"));
    }

    [Test]
    public void EmptyTensorsMayShareAnOffset()
    {
        string path = Folder.WriteRaw("empties.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}," +
            "\"b\":{\"dtype\":\"F32\",\"shape\":[2,0],\"data_offsets\":[0,0]}," +
            "\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.That(file.ReadAsFloat32("b"), Is.Empty);
    }

    [Test]
    public void ShapeDisagreesWithByteLength()
    {
        string path = Folder.WriteRaw("mismatch.safetensors",
            "{\"blocks.1.b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
        var error = OpenFails(path, "blocks.1.b");
        Assert.That(error.Message, Does.Contain("needs 12 bytes"));
    }

    [Test]
    public void NegativeDimension() =>
        OpenFails(Folder.WriteRaw("negdim.safetensors",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}"), "w");

    [Test]
    public void ShapeProductOverflow() =>
        OpenFails(Folder.WriteRaw("overflow.safetensors",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}"), "w");

    [Test]
    public void BadJson()
    {
        var error = OpenFails(Folder.WriteRaw("badjson.safetensors", "{\"w\":{\"dtype\":"), null);
        Assert.That(error.Message, Does.Contain("not valid JSON"));
    }

    [Test]
    public void HeaderIsNotAnObject() => OpenFails(Folder.WriteRaw("array.safetensors", "[1,2]"), null);

    [Test]
    public void UnknownDType()
    {
        var error = OpenFails(Folder.WriteRaw("dtype.safetensors",
            "{\"blocks.0.q\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]), "blocks.0.q");
        Assert.That(error.Message, Does.Contain("dtype 'Q4'"));
    }

    [TestCase("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "shape")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", "data_offsets")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "data_offsets")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "shape[0]")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", "shape")]
    [TestCase("{\"w\":[1]}", "object")]
    public void MissingOrMistypedField(string header, string field)
    {
        var error = OpenFails(Folder.WriteRaw("field.safetensors", header, new byte[4]), "w");
        Assert.That(error.Message, Does.Contain(field));
    }

    [TestCase("{\"__metadata__\":{\"n\":1}}")]
    [TestCase("{\"__metadata__\":[\"a\"]}")]
    public void MetadataMustMapStringsToStrings(string header)
    {
        var error = OpenFails(Folder.WriteRaw("meta.safetensors", header), null);
        Assert.That(error.Message, Does.Contain("__metadata__"));
    }

    [Test]
    public void RepeatedTensorName() =>
        OpenFails(Folder.WriteRaw("twice.safetensors",
            "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}," +
            "\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", new byte[2]), "w");

    [Test]
    public void FormatErrorIsAnIOException()
    {
        var error = OpenFails(Folder.WriteRaw("io.safetensors", "nope"), null);
        Assert.That(error, Is.InstanceOf<IOException>());
        Assert.That(error.FilePath, Does.EndWith("io.safetensors"));
    }

    private static SafetensorsFormatException OpenFails(string path, string? tensor)
    {
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose())!;
        Assert.That(error.Message, Does.Contain(System.IO.Path.GetFileName(path)));
        Assert.That(error.TensorName, Is.EqualTo(tensor));
        if (tensor is not null) Assert.That(error.Message, Does.Contain($"tensor '{tensor}'"));
        return error;
    }
}
