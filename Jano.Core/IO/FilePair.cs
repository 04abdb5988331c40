namespace Jano.Core.IO;

/// <summary>
/// Two files that are one result (an image and its JSON sidecar; a report's Markdown and JSON) written
/// as a unit: both go to hidden temporaries in the target folder first, then are renamed, the second
/// last; if anything fails, neither temporary stays, and a first file already renamed is removed, so a
/// reader never finds one without the other.
/// </summary>
public static class FilePair
{
    public static void Write(string firstPath, Action<Stream> writeFirst, string secondPath, Action<Stream> writeSecond)
    {
        string first = Path.GetFullPath(firstPath), second = Path.GetFullPath(secondPath);
        if (first == second) throw new ArgumentException($"{firstPath}: both files of the pair have the same path");
        string firstTemp = Temporary(first), secondTemp = Temporary(second);
        var firstPlaced = false;
        try
        {
            WriteFlushed(firstTemp, writeFirst);
            WriteFlushed(secondTemp, writeSecond);
            File.Move(firstTemp, first, overwrite: true);
            firstPlaced = true;
            File.Move(secondTemp, second, overwrite: true);
        }
        catch
        {
            if (firstPlaced && File.Exists(first)) File.Delete(first);
            throw;
        }
        finally
        {
            if (File.Exists(firstTemp)) File.Delete(firstTemp);
            if (File.Exists(secondTemp)) File.Delete(secondTemp);
        }
    }

    /// <summary>Text files (UTF-8), as <see cref="AtomicFile.WriteAllText"/>.</summary>
    public static void WriteAllText(string firstPath, string firstText, string secondPath, string secondText) =>
        Write(firstPath, s => s.Write(System.Text.Encoding.UTF8.GetBytes(firstText)), secondPath, s => s.Write(System.Text.Encoding.UTF8.GetBytes(secondText)));

    private static string Temporary(string path)
    {
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }

    private static void WriteFlushed(string temp, Action<Stream> write)
    {
        using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        write(stream);
        stream.Flush(flushToDisk: true);
    }
}
