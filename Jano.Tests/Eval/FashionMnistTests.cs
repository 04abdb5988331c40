using Jano.Eval;

namespace Jano.Tests.Eval;

/// <summary>Loading the data set's folder layout, the install hint when it is absent, and the real data when installed.</summary>
public class FashionMnistTests
{
    [Test]
    public void MissingDataSetSaysHowToInstallIt()
    {
        using var folder = new TempFolder();
        Assert.That(FashionMnist.IsInstalled(folder.Path), Is.False);
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(folder.Path))!;
        Assert.That(e.Message, Does.Contain("install it with: apt-get update && apt-get install dataset-fashion-mnist")
            .And.Contain(folder.Path).And.Contain("train-images-idx3-ubyte.gz"));
    }

    [Test]
    public void LoadsTheFourFilesOfAFolder()
    {
        using var folder = new TempFolder();
        SyntheticFashion.WriteFolder(folder.Path, trainPerClass: 2, testPerClass: 1);
        Assert.That(FashionMnist.IsInstalled(folder.Path), Is.True);
        var data = FashionMnist.Load(folder.Path);
        Assert.Multiple(() =>
        {
            Assert.That(data.Train.Count, Is.EqualTo(20));
            Assert.That(data.Test.Count, Is.EqualTo(10));
            Assert.That(data.Train.Rows, Is.EqualTo(28));
            Assert.That(data.Test.Labels, Is.EqualTo(Enumerable.Range(0, 10).Select(i => (byte)i)));
            Assert.That(data.Train.ToVectors().Max(), Is.LessThanOrEqualTo(1f));
        });
    }

    [Test]
    public void PlainFilesAreAcceptedToo()
    {
        using var folder = new TempFolder();
        SyntheticFashion.WriteFolder(folder.Path, trainPerClass: 1, testPerClass: 1);
        var gz = folder.File("train-labels-idx1-ubyte.gz");
        File.WriteAllBytes(folder.File("train-labels-idx1-ubyte"), IdxReader.Read(gz) is var idx ? IdxBytes.Build(idx.Dimensions, idx.Data) : []);
        File.Delete(gz);
        Assert.That(FashionMnist.Load(folder.Path).Train.Count, Is.EqualTo(10));
    }

    [Test]
    public void MismatchedCountsAndBadLabelsAreErrors()
    {
        using var folder = new TempFolder();
        SyntheticFashion.WriteFolder(folder.Path, trainPerClass: 1, testPerClass: 1);
        var labels = folder.File("t10k-labels-idx1-ubyte.gz");
        File.WriteAllBytes(labels, IdxBytes.Gzip(IdxBytes.Build([9], new byte[9])));
        Assert.That(Assert.Throws<IdxFormatException>(() => FashionMnist.Load(folder.Path))!.Message, Does.Contain("9 labels for the 10 images"));
        File.WriteAllBytes(labels, IdxBytes.Gzip(IdxBytes.Build([10], [0, 1, 2, 3, 4, 5, 6, 7, 8, 12])));
        Assert.That(Assert.Throws<IdxFormatException>(() => FashionMnist.Load(folder.Path))!.Message, Does.Contain("label 12 of item 9"));
    }

    [Test]
    public void ClassNamesAndPromptsAreInClassOrder()
    {
        Assert.That(FashionMnist.ClassNames, Has.Count.EqualTo(10));
        Assert.That(FashionMnist.Prompts, Has.Count.EqualTo(10));
        Assert.That(FashionMnist.ClassNames[6], Is.EqualTo("Shirt"));
        Assert.That(FashionMnist.Prompts[9], Is.EqualTo("an ankle boot"));
    }

    [Test]
    public void InstalledDataSetHasTheKnownSizes()
    {
        if (!FashionMnist.IsInstalled())
            Assert.Ignore($"Fashion-MNIST is not installed in {FashionMnist.DefaultFolder} ({FashionMnist.InstallHint})");
        var data = FashionMnist.Load();
        Assert.Multiple(() =>
        {
            Assert.That(data.Train.Count, Is.EqualTo(60_000));
            Assert.That(data.Test.Count, Is.EqualTo(10_000));
            Assert.That(data.Test.Labels.GroupBy(l => l).Select(g => g.Count()), Is.All.EqualTo(1000), "1000 test images per class");
        });
    }
}
