using Jano.Core.IO;

namespace Jano.Tests.Core.IO;

/// <summary>Files assembled byte by byte, so the reader is checked against the format rather than against our own writer.</summary>
public class SafetensorsHandBuiltFileTests
{
    [Test]
    public void ReadsEveryFloatDTypeFromHandBuiltBytes()
    {
        using var folder = new TempFolder();
        // The header is deliberately not padded to 8 bytes and lists tensors out of data order.
        const string header =
            "{\"__metadata__\":{\"format\":\"pt\"}," +
            "\"half\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[8,12]}," +
            "\"full\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}," +
            "\"brain\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[12,16]}," +
            "\"double\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[16,24]}," +
            "\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[24,32]}}";
        byte[] data =
        [
            0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, // F32 1.0, -2.0
            0x00, 0x3E, 0x00, 0xBC,                         // F16 1.5, -1.0
            0x80, 0x3F, 0x40, 0xC0,                         // BF16 1.0, -3.0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x40, // F64 2.5
            0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // I64 7
        ];
        string path = folder.WriteRaw("hand.safetensors", header, data);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.Path, Is.EqualTo(path));
            Assert.That(file.Metadata, Is.EquivalentTo(new Dictionary<string, string> { ["format"] = "pt" }));
            Assert.That(file.Entries.Keys, Is.EqualTo(new[] { "full", "half", "brain", "double", "ids" }), "data order");
            Assert.That(file.ReadAsFloat32("full"), Is.EqualTo(new[] { 1.0f, -2.0f }));
            Assert.That(file.ReadAsFloat32("half"), Is.EqualTo(new[] { 1.5f, -1.0f }));
            Assert.That(file.ReadAsFloat32("brain"), Is.EqualTo(new[] { 1.0f, -3.0f }));
            Assert.That(file.ReadAsFloat32("double"), Is.EqualTo(new[] { 2.5f }));
            Assert.That(file.ReadRaw("ids"), Is.EqualTo(new byte[] { 7, 0, 0, 0, 0, 0, 0, 0 }));
        });

        SafetensorsEntry brain = file.Get("brain");
        Assert.Multiple(() =>
        {
            Assert.That(brain.DType, Is.EqualTo(SafetensorsDType.BF16));
            Assert.That(brain.Shape, Is.EqualTo(new long[] { 1, 2 }));
            Assert.That(brain.Offset, Is.EqualTo(12));
            Assert.That(brain.Length, Is.EqualTo(4));
            Assert.That(brain.ElementCount, Is.EqualTo(2));
            Assert.That(file.Get("double").ElementCount, Is.EqualTo(1), "a scalar has one element");
            Assert.That(file.Contains("full"), Is.True);
            Assert.That(file.Contains("missing"), Is.False);
        });
    }

    [Test]
    public void ReadsIntoCallerSpanAndChecksItsLength()
    {
        using var folder = new TempFolder();
        string path = folder.WriteRaw("span.safetensors",
            "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 0x80, 0x3F, 0x00, 0x40);
        using SafetensorsFile file = SafetensorsFile.Open(path);

        var destination = new float[2];
        file.ReadAsFloat32("w", destination);
        Assert.That(destination, Is.EqualTo(new[] { 1.0f, 2.0f }));
        Assert.Throws<ArgumentException>(() => file.ReadAsFloat32("w", new float[3]));

        var raw = new byte[4];
        file.ReadRaw("w", raw);
        Assert.That(raw, Is.EqualTo(new byte[] { 0x80, 0x3F, 0x00, 0x40 }));
    }

    [Test]
    public void MissingTensorIsAKeyNotFoundNamingFileAndTensor()
    {
        using var folder = new TempFolder();
        string path = folder.WriteRaw("empty.safetensors", "{}");
        using SafetensorsFile file = SafetensorsFile.Open(path);

        var error = Assert.Throws<SafetensorsTensorNotFoundException>(() => file.Get("blocks.0.w"));
        Assert.That(error, Is.InstanceOf<KeyNotFoundException>());
        Assert.That(error!.Message, Does.Contain("empty.safetensors").And.Contain("'blocks.0.w'"));
        Assert.Throws<SafetensorsTensorNotFoundException>(() => file.ReadAsFloat32("blocks.0.w"));
    }

    [Test]
    public void IntegerTensorDoesNotConvertToFloat()
    {
        using var folder = new TempFolder();
        string path = folder.WriteRaw("int.safetensors", "{\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 1, 0, 0, 0);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        var error = Assert.Throws<NotSupportedException>(() => file.ReadAsFloat32("i"));
        Assert.That(error!.Message, Does.Contain("int.safetensors").And.Contain("'i'").And.Contain("I32"));
    }

    [Test]
    public void ReadAfterDisposeThrows()
    {
        using var folder = new TempFolder();
        string path = folder.WriteRaw("d.safetensors", "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 9);
        SafetensorsFile file = SafetensorsFile.Open(path);
        file.Dispose();
        file.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => file.ReadRaw("w"));
    }
}
