using Jano.Core.IO;
using Jano.Runtime.Imaging;

namespace Jano.Tests.Core.IO;

/// <summary>An image and its sidecar (any two files of one result) are written both or neither, with no temporaries left.</summary>
[TestFixture]
public sealed class FilePairTests
{
    private static void Text(Stream s, string text) => s.Write(System.Text.Encoding.UTF8.GetBytes(text));

    [Test]
    public void BothFilesArePlaced()
    {
        using var folder = new TempFolder();
        FilePair.WriteAllText(folder.File("a.png"), "image", folder.File("a.json"), "{}");
        Assert.That(File.ReadAllText(folder.File("a.png")), Is.EqualTo("image"));
        Assert.That(File.ReadAllText(folder.File("a.json")), Is.EqualTo("{}"));
        Assert.That(Directory.EnumerateFiles(folder.Path), Has.Exactly(2).Items);
    }

    [Test]
    public void WhenTheSidecarCannotBePlacedTheImageIsRemoved()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("a.json")); // a folder where the sidecar goes
        Assert.Catch<IOException>(() => FilePair.WriteAllText(folder.File("a.png"), "image", folder.File("a.json"), "{}"));
        Assert.That(File.Exists(folder.File("a.png")), Is.False, "no image without its sidecar");
        Assert.That(Directory.EnumerateFiles(folder.Path), Is.Empty, "no temporaries");
    }

    [Test]
    public void WhenWritingTheSidecarFailsNeitherFileIsReplaced()
    {
        using var folder = new TempFolder();
        FilePair.WriteAllText(folder.File("a.png"), "old image", folder.File("a.json"), "old");
        Assert.Throws<InvalidOperationException>(() => FilePair.Write(folder.File("a.png"), s => Text(s, "new image"), folder.File("a.json"), _ => throw new InvalidOperationException("disk full")));
        Assert.That(File.ReadAllText(folder.File("a.png")), Is.EqualTo("old image"));
        Assert.That(File.ReadAllText(folder.File("a.json")), Is.EqualTo("old"));
        Assert.That(Directory.EnumerateFiles(folder.Path), Has.Exactly(2).Items, "no temporaries");
    }

    [Test]
    public void TheGenerationSidecarIsSavedWithItsImage()
    {
        using var folder = new TempFolder();
        var sidecar = new GenerationSidecar
        {
            Prompt = "a boot", Seeds = [1], Steps = 3, Guidance = 4, Sampler = "s", Method = "dense", Package = "p", PackageSha256 = "0", Provider = "cpu",
            Timings = new SidecarTimings(1, 0, 1, 1, 1, 0, 0), Image = "boot.png",
        };
        var png = Jano.Runtime.Imaging.ImageWriter.EncodePng([new float[4]], 1, 2, 2);
        sidecar.SaveWithImage(folder.File("boot.png"), png);
        Assert.That(File.ReadAllBytes(folder.File("boot.png")), Is.EqualTo(png));
        Assert.That(File.ReadAllText(folder.File("boot.json")), Does.Contain("\"prompt\": \"a boot\""));
    }
}
