using System.Text.RegularExpressions;

namespace Jano.Runtime.Batch;

/// <summary>
/// The hidden temporaries a killed run leaves in its output folder (FilePair and AtomicFile write
/// ".NAME.PID.GUID.tmp" and rename it into place; a kill between the two leaves it). A resumed run
/// removes them before it starts, so the finished folder holds the same files as an uninterrupted run.
/// Only names of exactly that shape are touched: a folder holds one batch, run by one process at a time.
/// </summary>
public static partial class LeftoverTemporaries
{
    [GeneratedRegex(@"^\..+\.[0-9]+\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TemporaryName();

    /// <summary>Removes the folder's leftover temporaries; returns how many there were.</summary>
    public static int Remove(string folder)
    {
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            if (!TemporaryName().IsMatch(Path.GetFileName(path))) continue;
            File.Delete(path);
            removed++;
        }
        return removed;
    }
}
