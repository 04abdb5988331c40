using Jano.Runtime.Decoders;

namespace Jano.Tests.Runtime.Decoders;

/// <summary>
/// Tile layout and blending on stand-in decoders: the strip-keeping implementation equals a direct port
/// of diffusers' tiled_decode bit for bit, and a decoder without spatial context (each output pixel a
/// function of its own latent) comes out of tiling unchanged.
/// </summary>
[TestFixture]
public sealed class TiledDecodingTests
{
    private const int Channels = 3, OutChannels = 2, Factor = 4;

    public static IEnumerable<TestCaseData> Layouts()
    {
        yield return new TestCaseData(21, 27, 8, 2).SetName("{m}(21x27, tile 8, overlap 2: edge tiles of 5 and 3)");
        yield return new TestCaseData(20, 20, 8, 6).SetName("{m}(20x20, tile 8, overlap 6: several short edge tiles)");
        yield return new TestCaseData(16, 24, 8, 0).SetName("{m}(16x24, no overlap)");
        yield return new TestCaseData(9, 5, 4, 1).SetName("{m}(9x5, tile 4, overlap 1)");
        yield return new TestCaseData(64, 64, 64, 16).SetName("{m}(64x64, one tile and a fully overlapped one)");
        yield return new TestCaseData(12, 40, 16, 4).SetName("{m}(12x40, one tile row)");
    }

    /// <summary>A pixel-local decoder: nearest upsampling of a fixed channel mix, plus a per-pixel pattern.</summary>
    private static void Local(float[] z, int h, int w, float[] image)
    {
        int ph = h * Factor, pw = w * Factor;
        for (var o = 0; o < OutChannels; o++)
            for (var y = 0; y < ph; y++)
                for (var x = 0; x < pw; x++)
                {
                    float v = 0.5f + o;
                    for (var c = 0; c < Channels; c++) v += (c + 1 - o) * 0.3f * z[(c * h + y / Factor) * w + x / Factor];
                    image[(o * ph + y) * pw + x] = v + 0.01f * ((y % Factor) - (x % Factor));
                }
    }

    /// <summary>A decoder whose output depends on the whole tile (its mean, its size, tile-local positions), like group norm and attention.</summary>
    private static void Contextual(float[] z, int h, int w, float[] image)
    {
        Local(z, h, w, image);
        var mean = z.Average();
        int ph = h * Factor, pw = w * Factor;
        for (var o = 0; o < OutChannels; o++)
            for (var y = 0; y < ph; y++)
                for (var x = 0; x < pw; x++)
                    image[(o * ph + y) * pw + x] += mean * (o + 1) + 0.05f * y / ph - 0.07f * x / pw + 0.01f * h - 0.02f * w;
    }

    private static float[] Latents(int h, int w) => TestData.Normal(Channels * h * w, seed: h * 100 + w);

    private static float[] Tiled(float[] z, int h, int w, int tile, int overlap, TileDecoder decoder) =>
        TiledDecoding.Decode(z, Channels, h, w, OutChannels, Factor, new DecoderTiling { TileLatents = tile, OverlapLatents = overlap }, decoder);

    [TestCaseSource(nameof(Layouts))]
    public void EqualsDiffusersTiledDecode(int h, int w, int tile, int overlap)
    {
        var z = Latents(h, w);
        var expected = DiffusersTiledDecode.Decode(z, Channels, h, w, OutChannels, Factor, tile, overlap, Contextual);
        Assert.That(Tiled(z, h, w, tile, overlap, Contextual), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Layouts))]
    public void LocalDecoderIsUnchangedByTiling(int h, int w, int tile, int overlap)
    {
        var z = Latents(h, w);
        var whole = new float[OutChannels * h * Factor * w * Factor];
        Local(z, h, w, whole);
        // Blending two equal values changes them by rounding only.
        Assert.That(TestData.MaxAbsDiff(Tiled(z, h, w, tile, overlap, Local), whole), Is.LessThan(1e-5));
    }

    [Test]
    public void TileStartsFollowDiffusersRange()
    {
        var tiling = new DecoderTiling { TileLatents = 64, OverlapLatents = 16 };
        Assert.That(tiling.Starts(128), Is.EqualTo(new[] { 0, 48, 96 }));
        Assert.That(tiling.Starts(64), Is.EqualTo(new[] { 0, 48 }));
        Assert.That(tiling.Covers(64, 64), Is.True, "diffusers tiles only above the tile size");
        Assert.That(tiling.Covers(64, 65), Is.False);
        Assert.That(DecoderTiling.Off.Covers(1000, 1000), Is.True);
    }

    [TestCase(0, 0)]
    [TestCase(8, 8)]
    [TestCase(8, -1)]
    public void InvalidTilingIsRefused(int tile, int overlap) =>
        Assert.Throws<ArgumentException>(() => new DecoderTiling { TileLatents = tile, OverlapLatents = overlap }.Validate());
}
