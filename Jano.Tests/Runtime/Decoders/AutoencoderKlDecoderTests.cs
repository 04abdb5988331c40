using Jano.Core.Packages;
using Jano.Core.Stages;
using Jano.Export.Vae;
using Jano.Runtime;
using Jano.Runtime.Decoders;
using Jano.Runtime.Onnx;
using Jano.Tests.Export;
using Jano.Tests.Export.Vae;

namespace Jano.Tests.Runtime.Decoders;

/// <summary>
/// The runtime decoder on an exported random four-level VAE (widths 8, 16, 16, 16; f = 8): scaling and
/// shift applied before the graph, small latents in one run equal to the graph itself, large latents in
/// tiles close to the untiled decode.
/// </summary>
[TestFixture]
public sealed class AutoencoderKlDecoderTests
{
    private TinyVae _vae = null!;
    private DecoderComponent _component = null!;
    private OrtSessionFactory _factory = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _vae = new TinyVae(AutoencoderKlRandomCheckpoint.Config([8, 16, 16, 16], layersPerBlock: 1, latentChannels: 4, groups: 4, scaling: 0.5, shift: 0.25), seed: 9);
        _component = _vae.Export();
        _factory = new OrtSessionFactory(new RuntimeOptions { Provider = "cpu", Threads = 1 });
    }

    [OneTimeTearDown]
    public void Cleanup() => _vae.Dispose();

    private AutoencoderKlDecoder Open(DecoderTiling? tiling = null) => new(_factory, _vae.GraphPath(), _component, tiling);

    [Test]
    public void ShapeComesFromTheGraph()
    {
        using var decoder = Open();
        Assert.That((decoder.LatentChannels, decoder.OutputChannels, decoder.UpscaleFactor), Is.EqualTo((4, 3, 8)));
    }

    [Test]
    public void SmallLatentsDecodeInOneRunAsTheGraphDoes()
    {
        using var decoder = Open();
        var latents = TestData.Normal(4 * 6 * 8, seed: 1);
        var image = decoder.Decode(latents, 6, 8);
        Assert.That(decoder.LastRuns, Is.EqualTo(1), "untiled");
        Assert.That(image, Has.Length.EqualTo(3 * 48 * 64));
        var z = latents.Select(v => v / 0.5f + 0.25f).ToArray();
        var graph = OnnxRunner.Run(_vae.GraphPath(), (DecoderStages.Latents, z, [1, 4, 6, 8]))[DecoderStages.Image];
        Assert.That(TestData.MaxAbsDiff(image, graph), Is.LessThanOrEqualTo(1e-5 * graph.Max(Math.Abs)));
    }

    [Test]
    public void LatentsAreDividedByTheScalingFactorAndShifted()
    {
        using var decoder = Open();
        var latents = TestData.Normal(4 * 5 * 7, seed: 2);
        var z = latents.Select(v => v / 0.5f + 0.25f).ToArray();
        Assert.That(decoder.Decode(latents, 5, 7), Is.EqualTo(decoder.DecodeScaled(z, 5, 7)));
    }

    /// <summary>
    /// Tiling is an approximation (each tile's group norms and mid-block attention see only the tile), and a
    /// random VAE on white-noise latents is a hard case: a trained VAE on real latents depends far less on
    /// far-away context. Measured on this VAE (float32, CPU), tiled against untiled:
    /// 21×27 latents, tiles of 8, overlap 2 (4×5 tiles, edge tiles of 3 latents): correlation 0.929,
    /// mean |diff| 37.6% of the mean |value|, max |diff| 1.32 on a range of [−2.40, 2.86];
    /// 37×45 latents, tiles of 16, overlap 4 (4×4 tiles, edge tiles of 1 and 9 latents): correlation 0.984,
    /// mean |diff| 16.9%, max 1.50 (tiles of 32, overlap 8: correlation 0.998, 5.8%, max 0.27).
    /// Asserted with some margin: correlation and mean |diff| per case.
    /// </summary>
    [TestCase(21, 27, 8, 2, 4 * 5, 0.90, 0.45)]
    [TestCase(37, 45, 16, 4, 4 * 4, 0.97, 0.22)]
    public void TiledDecodeOfANonTileMultipleSizeIsCloseToUntiled(int h, int w, int tile, int overlap, int tiles, double minCorrelation, double maxMeanDiff)
    {
        using var tiled = Open(new DecoderTiling { TileLatents = tile, OverlapLatents = overlap });
        using var whole = Open(DecoderTiling.Off);
        var latents = TestData.Normal(4 * h * w, seed: 3);
        var a = tiled.Decode(latents, h, w);
        Assert.That(tiled.LastRuns, Is.EqualTo(tiles));
        var b = whole.Decode(latents, h, w);
        Assert.That(whole.LastRuns, Is.EqualTo(1));
        Assert.That(a, Has.Length.EqualTo(b.Length));
        double meanDiff = 0, meanAbs = 0, maxDiff = 0, sab = 0, saa = 0, sbb = 0;
        double ma = a.Average(), mb = b.Average();
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs(a[i] - b[i]);
            meanDiff += d;
            meanAbs += Math.Abs(b[i]);
            maxDiff = Math.Max(maxDiff, d);
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        meanDiff /= a.Length;
        meanAbs /= a.Length;
        var correlation = sab / Math.Sqrt(saa * sbb);
        TestContext.Out.WriteLine($"tiled vs untiled: correlation {correlation:F4}, mean |diff| {meanDiff:F4} ({meanDiff / meanAbs:P1} of mean |untiled| {meanAbs:F4}), " +
                                  $"max |diff| {maxDiff:F4}, untiled range [{b.Min():F3}, {b.Max():F3}]");
        Assert.That(correlation, Is.GreaterThanOrEqualTo(minCorrelation));
        Assert.That(meanDiff, Is.LessThanOrEqualTo(maxMeanDiff * meanAbs));
    }

    [Test]
    public void WrongLatentLengthIsRefused()
    {
        using var decoder = Open();
        Assert.Throws<ArgumentException>(() => decoder.Decode(new float[10], 2, 2));
    }

    [Test]
    public void OtherKindIsRefused() =>
        Assert.Throws<ArgumentException>(() => new AutoencoderKlDecoder(_factory, _vae.GraphPath(), new DecoderComponent(), null));

    [Test]
    public void IdentityDecoderReturnsTheLatentsBitForBit()
    {
        using var decoder = new IdentityDecoder(1);
        var latents = TestData.Normal(16 * 12, seed: 4);
        latents[5] = float.NaN;
        var image = decoder.Decode(latents, 16, 12);
        Assert.That(image, Is.Not.SameAs(latents));
        Assert.That(image.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(latents.Select(BitConverter.SingleToInt32Bits)));
        Assert.That(decoder.UpscaleFactor, Is.EqualTo(1));
        Assert.Throws<ArgumentException>(() => decoder.Decode(latents, 16, 11));
    }
}
