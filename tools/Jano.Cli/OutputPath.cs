namespace Jano.Cli;

/// <summary>Checks before any work is done that an output file or folder can be written, so no generation is lost to a bad path.</summary>
public static class OutputPath
{
    public static void EnsureWritable(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UsageException("--out is empty");
        if (Directory.Exists(path)) throw new IOException($"{path}: the output path is a folder; give a file name such as {Path.Combine(path, "image.png")}");
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new UsageException($"--out must name a .png file, got '{path}'");
        EnsureFolderWritable(Path.GetDirectoryName(Path.GetFullPath(path))!, path, "the output");
    }

    /// <summary>
    /// Creates <paramref name="folder"/> if needed and writes and deletes a probe file in it; an
    /// IOException names <paramref name="subject"/> and what could not be written there.
    /// </summary>
    public static void EnsureFolderWritable(string folder, string subject, string what)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".jano-write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{subject}: cannot write {what} there ({e.Message})", e);
        }
    }
}
