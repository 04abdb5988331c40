using Jano.Runtime.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Jano.Tests.Runtime.Pipeline;

public sealed class ImageWriterTests
{
    [Test]
    public void ValuesMapFromMinusOneToOneAndClamp()
    {
        Assert.That(ImageWriter.ToByte(-1f), Is.EqualTo(0));
        Assert.That(ImageWriter.ToByte(1f), Is.EqualTo(255));
        Assert.That(ImageWriter.ToByte(0f), Is.EqualTo(128)); // 127.5 rounds to even → 128
        Assert.That(ImageWriter.ToByte(-7f), Is.EqualTo(0));
        Assert.That(ImageWriter.ToByte(3f), Is.EqualTo(255));
        Assert.That(ImageWriter.ToByte(float.NaN), Is.EqualTo(0));
    }

    [Test]
    public void GrayscaleAndRgbImagesAndGridsRoundTrip()
    {
        using var folder = new TempFolder();
        var dir = folder.Path;
        var gray = Path.Combine(dir, "g.png");
        ImageWriter.SavePng(gray, [[-1f, 1f, 0f, 0.5f], [1f, 1f, 1f, 1f]], 1, 2, 2);
        using (var img = Image.Load<L8>(gray))
        {
            Assert.That((img.Width, img.Height), Is.EqualTo((6, 2)), "two images side by side with a 2-pixel gap");
            Assert.That(img[0, 0].PackedValue, Is.EqualTo(0));
            Assert.That(img[1, 0].PackedValue, Is.EqualTo(255));
            Assert.That(img[1, 1].PackedValue, Is.EqualTo(ImageWriter.ToByte(0.5f)));
        }
        var rgb = Path.Combine(dir, "c.png");
        ImageWriter.SavePng(rgb, [[1f, -1f, -1f, -1f, /*G*/ -1f, 1f, -1f, -1f, /*B*/ -1f, -1f, 1f, -1f]], 3, 2, 2);
        using (var img = Image.Load<Rgb24>(rgb))
        {
            Assert.That(img[0, 0], Is.EqualTo(new Rgb24(255, 0, 0)));
            Assert.That(img[1, 0], Is.EqualTo(new Rgb24(0, 255, 0)));
            Assert.That(img[0, 1], Is.EqualTo(new Rgb24(0, 0, 255)));
        }
        Assert.Throws<ArgumentException>(() => ImageWriter.SavePng(Path.Combine(dir, "x.png"), [new float[16]], 4, 2, 2));
    }
}
