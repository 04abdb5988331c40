namespace Jano.Cli;

/// <summary>Checks before any work is done that an output file can be written, so no generation is lost to a bad path.</summary>
public static class OutputPath
{
    public static void EnsureWritable(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UsageException("--out is empty");
        if (Directory.Exists(path)) throw new IOException($"{path}: the output path is a folder; give a file name such as {Path.Combine(path, "image.png")}");
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new UsageException($"--out must name a .png file, got '{path}'");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".jano-write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot write the output there ({e.Message})", e);
        }
    }
}
