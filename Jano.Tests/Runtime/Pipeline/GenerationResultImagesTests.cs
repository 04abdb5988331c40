using Jano.Runtime.Pipeline;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>A result's 8-bit pixels and PNG bytes against values mapped by hand: (v + 1) · 127.5, rounded half to even, clamped.</summary>
[TestFixture]
public sealed class GenerationResultImagesTests
{
    private static GenerationResult Result(float[] image, int channels, int height, int width) =>
        new(image, channels, height, width, 1, 1, "test", "dense", new StepTimings(), [0], 0, null, []);

    [Test]
    public void GrayscalePixelsAreTheMappedValues()
    {
        var result = Result([-1f, 1f, 0f, 0.5f, float.NaN, 2f], 1, 2, 3);
        byte[] expected = [0, 255, 128, 191, 0, 255]; // 127.5 → 128 (even), 191.25 → 191, NaN → 0, 2 → clamped
        Assert.That(result.ToPixels(), Is.EqualTo(expected));
        using var png = Image.Load<L8>(result.ToPng());
        Assert.That((png.Width, png.Height), Is.EqualTo((3, 2)));
        var decoded = new byte[6];
        png.CopyPixelDataTo(decoded);
        Assert.That(decoded, Is.EqualTo(expected));
    }

    [Test]
    public void RgbPixelsAreInterleavedFromThePlanes()
    {
        // Planes [C, H, W] for a 1×2 image: R = (-1, 1), G = (0, -1), B = (1, 0).
        var result = Result([-1f, 1f, 0f, -1f, 1f, 0f], 3, 1, 2);
        byte[] expected = [0, 128, 255, 255, 0, 128];
        Assert.That(result.ToPixels(), Is.EqualTo(expected));
        using var png = Image.Load<Rgb24>(result.ToPng());
        Assert.That(png[0, 0], Is.EqualTo(new Rgb24(0, 128, 255)));
        Assert.That(png[1, 0], Is.EqualTo(new Rgb24(255, 0, 128)));
    }

    [Test]
    public void AnImageOfTheWrongLengthIsRefusedNamingTheShape()
    {
        var e = Assert.Throws<ArgumentException>(() => Result([0f, 0f, 0f], 1, 2, 2).ToPixels());
        Assert.That(e!.Message, Does.Contain("3 values").And.Contain("1×2×2"));
    }
}
