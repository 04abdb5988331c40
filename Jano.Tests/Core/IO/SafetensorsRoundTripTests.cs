using Jano.Core.IO;

namespace Jano.Tests.Core.IO;

/// <summary>Writer → reader for each float dtype, with the stored bits compared against hand-computed encodings.</summary>
public class SafetensorsRoundTripTests : TempFolderTests
{
    [Test]
    public void Float32IsBitExact()
    {
        float[] values = [1f, -2.5f, float.Epsilon, float.MaxValue, float.NegativeInfinity, 1f / 3f];
        float[] back = RoundTrip(SafetensorsDType.F32, [2, 3], values, out byte[] raw);
        Assert.That(back, Is.EqualTo(values));
        Assert.That(raw[..4], Is.EqualTo(new byte[] { 0x00, 0x00, 0x80, 0x3F }), "1.0f little-endian");
    }

    [Test]
    public void Float16MatchesHandComputedBits()
    {
        // 1.5 = 0x3E00, -2 = 0xC000, 65504 (largest half) = 0x7BFF, 1/3 rounds to 0x3555 = 0.333251953125.
        float[] back = RoundTrip(SafetensorsDType.F16, [4], [1.5f, -2f, 65504f, 1f / 3f], out byte[] raw);
        Assert.That(raw, Is.EqualTo(new byte[] { 0x00, 0x3E, 0x00, 0xC0, 0xFF, 0x7B, 0x55, 0x35 }));
        Assert.That(back, Is.EqualTo(new[] { 1.5f, -2f, 65504f, 0.333251953125f }));
    }

    [Test]
    public void BFloat16MatchesHandComputedBitsAndRoundsToNearestEven()
    {
        // 1.0 = 0x3F80; 1/3 = 0x3EAAAAAB rounds up to 0x3EAB (0.333984375);
        // 0x3F808000 is a tie and stays at even 0x3F80; 0x3F818000 is a tie and rounds up to even 0x3F82.
        float tieDown = BitConverter.UInt32BitsToSingle(0x3F808000);
        float tieUp = BitConverter.UInt32BitsToSingle(0x3F818000);
        float[] back = RoundTrip(SafetensorsDType.BF16, [2, 2], [1f, 1f / 3f, tieDown, tieUp], out byte[] raw);
        Assert.That(raw, Is.EqualTo(new byte[] { 0x80, 0x3F, 0xAB, 0x3E, 0x80, 0x3F, 0x82, 0x3F }));
        Assert.That(back, Is.EqualTo(new[] { 1f, 0.333984375f, 1f, BitConverter.UInt32BitsToSingle(0x3F820000) }));
    }

    [Test]
    public void BFloat16KeepsNaNAndInfinity()
    {
        float[] back = RoundTrip(SafetensorsDType.BF16, [2], [float.NaN, float.PositiveInfinity], out _);
        Assert.That(float.IsNaN(back[0]), Is.True);
        Assert.That(back[1], Is.EqualTo(float.PositiveInfinity));
    }

    [Test]
    public void BFloat16VectorPathAndTailAgree()
    {
        // 37 elements: more than any vector width, and not a multiple of one, so both paths run.
        float[] values = Enumerable.Range(0, 37).Select(i => (i - 18) * 0.25f).ToArray();
        Assert.That(RoundTrip(SafetensorsDType.BF16, [37], values, out _), Is.EqualTo(values), "quarters are exact in BF16");
    }

    [Test]
    public void Float64ReadsAsFloat32() =>
        Assert.That(RoundTrip(SafetensorsDType.F64, [], [2.5f], out _), Is.EqualTo(new[] { 2.5f }));

    [Test]
    public void RawTensorsAndMetadataRoundTrip()
    {
        string path = Folder.File("mixed.safetensors");
        SafetensorsWriter.Write(path,
            [
                new SafetensorsTensor("ids", SafetensorsDType.I32, [2], new byte[] { 1, 0, 0, 0, 2, 0, 0, 0 }),
                new SafetensorsTensor("mask", SafetensorsDType.BOOL, [3], new byte[] { 1, 0, 1 }),
            ],
            new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode + \"quotes\"" });

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.Metadata["format"], Is.EqualTo("pt"));
            Assert.That(file.Metadata["note"], Is.EqualTo("ünïcode + \"quotes\""));
            Assert.That(file.ReadRaw("ids"), Is.EqualTo(new byte[] { 1, 0, 0, 0, 2, 0, 0, 0 }));
            Assert.That(file.ReadRaw("mask"), Is.EqualTo(new byte[] { 1, 0, 1 }));
        });
    }

    private float[] RoundTrip(SafetensorsDType dtype, long[] shape, float[] values, out byte[] raw)
    {
        string path = Folder.File($"rt-{dtype}.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsTensor.FromFloat32As("t", shape, values, dtype)]);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.That(file.Get("t").DType, Is.EqualTo(dtype));
        Assert.That(file.Get("t").Shape, Is.EqualTo(shape));
        raw = file.ReadRaw("t");
        return file.ReadAsFloat32("t");
    }
}
