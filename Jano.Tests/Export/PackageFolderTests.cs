using Jano.Export;

namespace Jano.Tests.Export;

/// <summary>What a killed export left beside its target is cleaned by the next export; the swap never leaves a visible half-swapped folder.</summary>
[TestFixture]
public sealed class PackageFolderTests
{
    /// <summary>Above Linux's largest pid_max (2^22): no process has it.</summary>
    private const int DeadPid = 4_194_305;

    private static string Guid32() => Guid.NewGuid().ToString("N");

    private static void WritePackage(string target, string marker)
    {
        using var package = new PackageFolder(target);
        File.WriteAllText(package.File("jano-model.json"), "{\"files\": []}");
        File.WriteAllText(package.File("marker.txt"), marker);
        package.Commit();
    }

    [Test]
    public void WorkFoldersOfDeadProcessesAreDeletedAndLiveOnesKept()
    {
        using var folder = new TempFolder();
        var dead = Directory.CreateDirectory(folder.File($".pkg.{DeadPid}.{Guid32()}.tmp")).FullName;
        var live = Directory.CreateDirectory(folder.File($".pkg.{Environment.ProcessId}.{Guid32()}.tmp")).FullName;
        var other = Directory.CreateDirectory(folder.File($".other.{DeadPid}.{Guid32()}.tmp")).FullName;
        WritePackage(folder.File("pkg"), "1");
        Assert.That(Directory.Exists(dead), Is.False, "a killed run's work folder");
        Assert.That(Directory.Exists(live), "a running process's work folder stays");
        Assert.That(Directory.Exists(other), "another target's work folder stays");
    }

    [Test]
    public void ReplacingAPackageLeavesNoOldFolderBehind()
    {
        using var folder = new TempFolder();
        WritePackage(folder.File("pkg"), "1");
        WritePackage(folder.File("pkg"), "2");
        Assert.That(File.ReadAllText(folder.File("pkg/marker.txt")), Is.EqualTo("2"));
        Assert.That(Directory.EnumerateFileSystemEntries(folder.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "pkg" }));
    }

    [Test]
    public void AnOldPackageMovedAsideIsDeletedWhenTheTargetExists()
    {
        using var folder = new TempFolder();
        WritePackage(folder.File("pkg"), "1");
        var hidden = Directory.CreateDirectory(folder.File($".pkg.old.{Guid32()}")).FullName;
        var visible = Directory.CreateDirectory(folder.File($"pkg.old.{Guid32()}")).FullName; // earlier versions' name
        WritePackage(folder.File("pkg"), "2");
        Assert.That(Directory.Exists(hidden) || Directory.Exists(visible), Is.False);
        Assert.That(Directory.EnumerateFileSystemEntries(folder.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "pkg" }));
    }

    [Test]
    public void AKillBetweenTheRenamesIsRecoveredAndTheModelCardCarriedOver()
    {
        using var folder = new TempFolder();
        WritePackage(folder.File("pkg"), "1");
        File.WriteAllText(folder.File("pkg/MODEL.md"), "card");
        Directory.Move(folder.File("pkg"), folder.File($".pkg.old.{Guid32()}")); // moved aside, then killed
        WritePackage(folder.File("pkg"), "2");
        Assert.That(File.ReadAllText(folder.File("pkg/MODEL.md")), Is.EqualTo("card"));
        Assert.That(File.ReadAllText(folder.File("pkg/marker.txt")), Is.EqualTo("2"));
        Assert.That(Directory.EnumerateFileSystemEntries(folder.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "pkg" }));
    }

    [Test]
    public void AnExportThatFailsLeavesNothing()
    {
        using var folder = new TempFolder();
        using (var package = new PackageFolder(folder.File("pkg"))) File.WriteAllText(package.File("x"), "half");
        Assert.That(Directory.EnumerateFileSystemEntries(folder.Path), Is.Empty);
    }
}
