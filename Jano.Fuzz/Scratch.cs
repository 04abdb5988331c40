namespace Jano.Fuzz;

/// <summary>
/// A private folder for the files a target must read from disk (our parsers take paths, as users
/// give them): one per process, reused by every input so an execution costs one small write.
/// </summary>
public sealed class Scratch : IDisposable
{
    public Scratch()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"jano-fuzz-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    /// <summary>Writes <paramref name="bytes"/> as <paramref name="relative"/> (folders made as needed), returns its path.</summary>
    public string Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(Folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>An empty sub-folder (cleared of what an earlier input left).</summary>
    public string EmptyFolder(string relative)
    {
        var path = Path.Combine(Folder, relative);
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { } // best effort: a temp folder
    }
}
