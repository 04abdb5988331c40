using System.Text.Json.Nodes;
using Jano.Cli;
using Jano.Core.Packages;

namespace Jano.Tests.Core.Packages;

/// <summary>Edits of jano-model.json keep every other byte, are validated like an open, and replace the file only when valid.</summary>
public sealed class ManifestEditorTests
{
    private static TempFolder CopyOfTheDefaultManifest(out string path)
    {
        var folder = new TempFolder();
        path = folder.File(ModelManifest.FileName);
        File.Copy(Path.Combine(DefaultModel.Locate(), ModelManifest.FileName), path);
        return folder;
    }

    [Test]
    public void AnEditThatChangesNothingRewritesTheSameBytes()
    {
        using var folder = CopyOfTheDefaultManifest(out var path);
        var before = File.ReadAllBytes(path);
        ManifestEditor.Update(folder.Path, _ => { });
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
    }

    [Test]
    public void SettingTheCalibrationAddsOnlyThatField()
    {
        using var folder = CopyOfTheDefaultManifest(out var path);
        var before = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        before.Remove("acceleration");
        ManifestEditor.SetTeaCache(folder.Path, new TeaCacheCalibrationData { Coefficients = [1.5, -0.25], Samples = 7, Steps = [25], Rms = 0.5 });

        var after = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var tea = after["acceleration"]!["teaCache"]!;
        Assert.That(tea["coefficients"]!.AsArray().Select(v => v!.GetValue<double>()), Is.EqualTo(new[] { 1.5, -0.25 }));
        Assert.That(tea["samples"]!.GetValue<int>(), Is.EqualTo(7));
        after.Remove("acceleration");
        Assert.That(JsonNode.DeepEquals(after, before), Is.True);
    }

    [Test]
    public void AnEditThatMakesTheManifestInvalidIsRefusedAndChangesNothing()
    {
        using var folder = CopyOfTheDefaultManifest(out var path);
        var before = File.ReadAllBytes(path);
        var e = Assert.Throws<ModelPackageException>(() =>
            ManifestEditor.SetTeaCache(folder.Path, new TeaCacheCalibrationData { Coefficients = [] }));
        Assert.That(e!.Message, Does.Contain("acceleration.teaCache.coefficients").And.Contain("1 to 9 coefficients"));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(folder.Path), Has.Length.EqualTo(1), "no temporary left behind");
    }
}
