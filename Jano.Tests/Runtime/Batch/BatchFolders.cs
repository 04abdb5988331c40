using System.Security.Cryptography;

namespace Jano.Tests.Runtime.Batch;

/// <summary>Comparing batch output folders file by file, and writing small manifests.</summary>
internal static class BatchFolders
{
    /// <summary>Every file under the folder (hidden ones included), by relative path, with its SHA-256.</summary>
    public static SortedDictionary<string, string> Hashes(string folder)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            result[Path.GetRelativePath(folder, file)] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        return result;
    }

    /// <summary>Asserts both folders hold the same files with the same bytes, naming the first difference.</summary>
    public static void AssertIdentical(string expected, string actual)
    {
        var a = Hashes(expected);
        var b = Hashes(actual);
        Assert.That(b.Keys, Is.EqualTo(a.Keys), "the same files");
        foreach (var (name, hash) in a) Assert.That(b[name], Is.EqualTo(hash), $"{name}: the same bytes");
    }

    /// <summary>A manifest of the given JSON lines in a new file of the folder.</summary>
    public static string Manifest(TempFolder temp, string name, params string[] lines)
    {
        var path = temp.File(name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }
}
