using Jano.Eval;

namespace Jano.Tests.Eval;

/// <summary>IDX parsing of hand-built bytes, plain and gzipped, and errors that name the file.</summary>
public class IdxReaderTests
{
    private static readonly byte[] TwoImages =
    [
        0x00, 0x00, 0x08, 0x03,  // magic: unsigned bytes, 3 dimensions
        0x00, 0x00, 0x00, 0x02,  // 2 images
        0x00, 0x00, 0x00, 0x02,  // 2 rows
        0x00, 0x00, 0x00, 0x03,  // 3 columns
        1, 2, 3, 4, 5, 6,
        7, 8, 9, 10, 11, 255,
    ];

    [Test]
    public void ParsesPlainBytes()
    {
        var idx = IdxReader.Parse("plain.idx", TwoImages);
        Assert.Multiple(() =>
        {
            Assert.That(idx.Dimensions, Is.EqualTo(new[] { 2, 2, 3 }));
            Assert.That(idx.Count, Is.EqualTo(2));
            Assert.That(idx.ItemSize, Is.EqualTo(6));
            Assert.That(idx.Data, Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255 }));
        });
    }

    [Test]
    public void ReadsGzippedAndPlainFilesAlike()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("images.gz"), IdxBytes.Gzip(TwoImages));
        File.WriteAllBytes(folder.File("images"), TwoImages);
        var gz = IdxReader.Read(folder.File("images.gz"));
        var plain = IdxReader.Read(folder.File("images"));
        Assert.That(gz.Dimensions, Is.EqualTo(plain.Dimensions));
        Assert.That(gz.Data, Is.EqualTo(plain.Data));
    }

    [Test]
    public void ReadsLabels()
    {
        var idx = IdxReader.Parse("labels", [0, 0, 8, 1, 0, 0, 0, 3, 9, 0, 4]);
        Assert.That(idx.Dimensions, Is.EqualTo(new[] { 3 }));
        Assert.That(idx.Data, Is.EqualTo(new byte[] { 9, 0, 4 }));
    }

    [Test]
    public void TruncatedDataNamesTheFileAndTheSizes()
    {
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Parse("/data/train.idx", TwoImages[..^2]))!;
        Assert.That(e.Message, Does.StartWith("/data/train.idx: truncated").And.Contain("12 bytes").And.Contain("holds 10"));
        Assert.That(e, Is.InstanceOf<IOException>(), "the CLI reports IOExceptions as one line");
    }

    [Test]
    public void TruncatedGzipFileIsAnError()
    {
        using var folder = new TempFolder();
        var gz = IdxBytes.Gzip(TwoImages);
        File.WriteAllBytes(folder.File("cut.gz"), gz[..(gz.Length / 2)]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(folder.File("cut.gz")))!;
        Assert.That(e.Message, Does.StartWith(folder.File("cut.gz") + ": "));
    }

    [Test]
    public void TruncatedHeaderIsAnError()
    {
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Parse("h", TwoImages[..10]))!;
        Assert.That(e.Message, Does.Contain("truncated").And.Contain("3 dimensions"));
        Assert.That(Assert.Throws<IdxFormatException>(() => IdxReader.Parse("e", [0, 0]))!.Message, Does.Contain("magic"));
    }

    [Test]
    public void BadMagicIsAnError()
    {
        var bytes = (byte[])TwoImages.Clone();
        bytes[0] = 0x50; // e.g. a PNG or text file
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Parse("not-idx", bytes))!;
        Assert.That(e.Message, Does.StartWith("not-idx: bad magic number 0x50000803"));
    }

    [Test]
    public void OtherValueTypesAreRejected()
    {
        var bytes = (byte[])TwoImages.Clone();
        bytes[2] = 0x0D; // float32
        Assert.That(Assert.Throws<IdxFormatException>(() => IdxReader.Parse("f", bytes))!.Message, Does.Contain("0x0D is not supported"));
    }

    [Test]
    public void TrailingBytesAreAnError() =>
        Assert.That(Assert.Throws<IdxFormatException>(() => IdxReader.Parse("t", [.. TwoImages, 0]))!.Message, Does.Contain("1 bytes beyond"));

    [Test]
    public void MissingFileNamesThePath()
    {
        var e = Assert.Throws<FileNotFoundException>(() => IdxReader.Read("/nonexistent/x.gz"))!;
        Assert.That(e.Message, Does.Contain("/nonexistent/x.gz"));
    }
}
