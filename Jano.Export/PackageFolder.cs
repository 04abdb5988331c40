using System.Security.Cryptography;
using Jano.Core.Packages;
using Jano.Core.Stages;

namespace Jano.Export;

/// <summary>
/// Writes a package into a temporary sibling folder and moves it into place only when complete,
/// so an interrupted export never leaves a half-written package where a good one was; the next export
/// of the same target cleans what a killed one left (<see cref="RecoverFromKilledRuns"/>).
/// </summary>
public sealed class PackageFolder : IDisposable
{
    private readonly string _target;
    private bool _committed;

    public PackageFolder(string target)
    {
        _target = Path.GetFullPath(target);
        if (System.IO.File.Exists(_target))
            throw new ExportException($"{_target}: the output path is a file, not a folder");
        if (Directory.Exists(_target) && Directory.EnumerateFileSystemEntries(_target).Any()
            && !System.IO.File.Exists(Path.Combine(_target, ModelManifest.FileName)))
            throw new ExportException($"{_target}: the output folder exists, is not empty and is not a model package; refusing to replace it");
        var parent = Path.GetDirectoryName(_target)!;
        Directory.CreateDirectory(parent);
        RecoverFromKilledRuns(parent);
        WorkPath = Path.Combine(parent, $".{Path.GetFileName(_target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(WorkPath);
    }

    /// <summary>
    /// What an export of the same target that was killed left beside it: work folders
    /// (.NAME.PID.GUID.tmp) whose process is no longer running are deleted; an old package moved aside
    /// for the swap (.NAME.old.GUID, or NAME.old.GUID from earlier versions) is deleted when the target
    /// exists, and moved back when the kill came between the two renames, so that its model card is carried over.
    /// </summary>
    private void RecoverFromKilledRuns(string parent)
    {
        var name = Path.GetFileName(_target);
        foreach (var folder in Directory.EnumerateDirectories(parent))
        {
            var sibling = Path.GetFileName(folder);
            if (WorkFolderPid(sibling, name) is { } pid && !IsRunning(pid))
                Directory.Delete(folder, recursive: true);
        }
        foreach (var folder in Directory.EnumerateDirectories(parent).Where(f => IsOldPackage(Path.GetFileName(f), name)).Order(StringComparer.Ordinal))
        {
            if (!Directory.Exists(_target)) Directory.Move(folder, _target);
            else Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The PID in ".NAME.PID.GUID.tmp", or null for any other name.</summary>
    private static int? WorkFolderPid(string sibling, string name)
    {
        var prefix = "." + name + ".";
        if (!sibling.StartsWith(prefix, StringComparison.Ordinal) || !sibling.EndsWith(".tmp", StringComparison.Ordinal)) return null;
        var parts = sibling[prefix.Length..^4].Split('.');
        return parts is [var pid, var guid] && IsGuid(guid) && int.TryParse(pid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    private static bool IsOldPackage(string sibling, string name) =>
        (sibling.StartsWith("." + name + ".old.", StringComparison.Ordinal) && IsGuid(sibling[(name.Length + 6)..]))
        || (sibling.StartsWith(name + ".old.", StringComparison.Ordinal) && IsGuid(sibling[(name.Length + 5)..]));

    private static bool IsGuid(string text) => text.Length == 32 && text.All(char.IsAsciiHexDigitLower);

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; } // no such process
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>The folder to write into until <see cref="Commit"/>.</summary>
    public string WorkPath { get; }

    public string File(string relative) => Path.Combine(WorkPath, relative);

    /// <summary>Writes one stage graph and returns its manifest entry (the role's names from Jano.Core).</summary>
    public StageGraph SaveStage(string file, StageSignature signature, Func<Onnx.Proto.ModelProto> build, Action<string>? log)
    {
        log?.Invoke($"writing {file}");
        Onnx.OnnxModelWriter.Save(build(), File(file));
        return StageGraph.Of(file, signature);
    }

    /// <summary>Writes a per-token table of image rows [tokens, width] (tensor "pos_embed") and returns its manifest entry.</summary>
    public TokenTable SaveImageRowTable(string name, string file, float[] rows, int tokens, int width)
    {
        Jano.Core.IO.SafetensorsWriter.Write(File(file), [Jano.Core.IO.SafetensorsTensor.FromFloat32("pos_embed", [tokens, width], rows)]);
        return new TokenTable { Name = name, File = file, Tensor = "pos_embed", Width = width };
    }

    /// <summary>Hashes every file written so far (relative paths, sorted) for the manifest.</summary>
    public List<PackageFile> Describe()
    {
        var files = new List<PackageFile>();
        foreach (var path in Directory.EnumerateFiles(WorkPath, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var stream = System.IO.File.OpenRead(path);
            var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            files.Add(new PackageFile(Path.GetRelativePath(WorkPath, path).Replace('\\', '/'), hash, stream.Length));
        }
        return files;
    }

    /// <summary>
    /// Moves the finished package into place. When it replaces an older package, files the old
    /// manifest did not list (a model card, notes) are carried over: export replaces the model, not
    /// what people wrote beside it.
    /// </summary>
    public void Commit()
    {
        if (Directory.Exists(_target))
        {
            CarryOverUnlistedFiles();
            // Aside into a hidden sibling first: a kill between the renames leaves no visible half-swapped folder.
            var old = Path.Combine(Path.GetDirectoryName(_target)!, $".{Path.GetFileName(_target)}.old.{Guid.NewGuid():N}");
            Directory.Move(_target, old);
            Directory.Move(WorkPath, _target);
            Directory.Delete(old, recursive: true);
        }
        else
        {
            Directory.Move(WorkPath, _target);
        }
        _committed = true;
    }

    private void CarryOverUnlistedFiles()
    {
        var manifestPath = Path.Combine(_target, ModelManifest.FileName);
        if (!System.IO.File.Exists(manifestPath)) return;
        var listed = new HashSet<string>(ListedFiles(manifestPath), StringComparer.Ordinal) { ModelManifest.FileName };
        foreach (var path in Directory.EnumerateFiles(_target, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(_target, path).Replace('\\', '/');
            var destination = Path.Combine(WorkPath, relative);
            if (listed.Contains(relative) || System.IO.File.Exists(destination)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            System.IO.File.Copy(path, destination);
        }
    }

    /// <summary>
    /// The old manifest's file list, read from its "files" array alone so that a manifest of any format
    /// version counts. An unreadable manifest lists nothing: every file the new export does not write is
    /// carried over, because losing a model card is worse than keeping a stale graph.
    /// </summary>
    private static IEnumerable<string> ListedFiles(string manifestPath)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllBytes(manifestPath));
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object
                || !document.RootElement.TryGetProperty("files", out var files) || files.ValueKind != System.Text.Json.JsonValueKind.Array)
                return [];
            return files.EnumerateArray()
                .Where(f => f.ValueKind == System.Text.Json.JsonValueKind.Object && f.TryGetProperty("path", out var p) && p.ValueKind == System.Text.Json.JsonValueKind.String)
                .Select(f => f.GetProperty("path").GetString()!).ToList();
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    public void Dispose()
    {
        if (!_committed && Directory.Exists(WorkPath)) Directory.Delete(WorkPath, recursive: true);
    }
}
