using Jano.Eval;

namespace Jano.Tests.Eval;

/// <summary>Cropping the model's 32×32 frame to the data set's 28×28 and mapping [-1, 1] to [0, 1].</summary>
public class FashionImageCropTests
{
    [Test]
    public void TakesTheCentreAndRescales()
    {
        // Pixel (y, x) of a 32×32 image holds a value that encodes its position; the border is +1 (would be white).
        var image = new float[32 * 32];
        for (var y = 0; y < 32; y++)
            for (var x = 0; x < 32; x++)
                image[y * 32 + x] = y < 2 || y >= 30 || x < 2 || x >= 30 ? 1f : -1f + 2f * ((y - 2) * 28 + (x - 2)) / (28 * 28 - 1);
        var crop = FashionImageCrop.FromModelImage(image, 32);
        Assert.That(crop, Has.Length.EqualTo(784));
        Assert.That(crop[0], Is.EqualTo(0f), "(2, 2) at -1 → 0");
        Assert.That(crop[783], Is.EqualTo(1f).Within(1e-6f), "(29, 29) at +1 → 1");
        Assert.That(crop[28], Is.EqualTo(28f / 783).Within(1e-6f), "row 1 of the crop is row 3 of the image");
    }

    [Test]
    public void ClampsAndZeroesNaN()
    {
        var image = Enumerable.Repeat(0f, 32 * 32).ToArray();
        image[2 * 32 + 2] = 3f;
        image[2 * 32 + 3] = -7f;
        image[2 * 32 + 4] = float.NaN;
        var crop = FashionImageCrop.FromModelImage(image, 32);
        Assert.That(crop[..4], Is.EqualTo(new[] { 1f, 0f, 0f, 0.5f }));
    }

    [Test]
    public void ASyntheticModelImageCropsBackToItsPattern()
    {
        var crop = FashionImageCrop.FromModelImage(SyntheticFashion.ModelImage(3), 32);
        var pattern = SyntheticFashion.Pattern(3);
        Assert.That(crop.Select(v => (byte)MathF.Round(v * 255)), Is.EqualTo(pattern));
    }

    [Test]
    public void WrongSizesAreRejected()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => FashionImageCrop.FromModelImage(new float[64], 8))!.Message, Does.Contain("smaller than the 28×28"));
        Assert.Throws<ArgumentException>(() => FashionImageCrop.FromModelImage(new float[2 * 32 * 32], 32));
    }
}
