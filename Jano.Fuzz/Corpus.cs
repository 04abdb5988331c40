namespace Jano.Fuzz;

/// <summary>The committed seed inputs of a target: corpus/TARGET/* beside the program (copied at build).</summary>
public static class Corpus
{
    public static string FolderOf(string target) => Path.Combine(AppContext.BaseDirectory, "corpus", target);

    public static IReadOnlyList<(string Name, byte[] Bytes)> Load(string target)
    {
        var folder = FolderOf(target);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no corpus for fuzz target '{target}'");
        return Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
    }
}
