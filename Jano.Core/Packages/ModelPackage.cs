using Jano.Core.IO;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Jano.Core.Stages;

namespace Jano.Core.Packages;

/// <summary>
/// An opened model package: the parsed, validated manifest and the absolute paths of its files.
/// Opening checks that every listed file exists with its recorded size, and the sha256 of the files
/// up to <see cref="HashOnOpenLimit"/> bytes (the small graphs and tables), so a missing, truncated or
/// altered file is reported by name before any ONNX Runtime session is created, while a multi-GB
/// package still opens in milliseconds. `jano verify` hashes every file (<see cref="Verify"/>).
/// </summary>
public sealed class ModelPackage
{
    /// <summary>Files larger than this are checked by size on open and hashed only by <see cref="Verify"/>.</summary>
    public const long HashOnOpenLimit = 16L << 20;

    private ModelPackage(string folder, ModelManifest manifest, string manifestSha256, TimeSpan openTime)
    {
        Folder = folder;
        Manifest = manifest;
        ManifestSha256 = manifestSha256;
        OpenTime = openTime;
    }

    public string Folder { get; }
    public ModelManifest Manifest { get; }

    /// <summary>sha256 of jano-model.json, which covers every file's hash: the package's identity.</summary>
    public string ManifestSha256 { get; }

    /// <summary>How long parsing, validation and the checks on open took (`jano info --verbose`).</summary>
    public TimeSpan OpenTime { get; }

    public string PathOf(string relative) => Path.Combine(Folder, relative);

    public static ModelPackage Open(string folder) => Open(folder, FileCheck.OnOpen);

    /// <summary>Opens the package and hashes every file, however large; throws on the first file that differs.</summary>
    public static ModelPackage Verify(string folder) => Open(folder, FileCheck.Everything);

    private enum FileCheck { OnOpen, Everything }

    private static ModelPackage Open(string folder, FileCheck check)
    {
        var start = Stopwatch.GetTimestamp();
        if (string.IsNullOrWhiteSpace(folder)) throw new ModelPackageException("model package folder is empty: give the path of a folder with jano-model.json");
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new ModelPackageException($"{folder}: model package folder not found");
        var manifestPath = Path.Combine(full, ModelManifest.FileName);
        if (!File.Exists(manifestPath))
            throw new ModelPackageException($"{folder}: not a model package (no {ModelManifest.FileName}); create one with `jano export`");

        var bytes = File.ReadAllBytes(manifestPath);
        CheckFormatVersion(bytes, manifestPath);
        ModelManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(bytes, ModelManifest.JsonOptions)
                ?? throw new ModelPackageException($"{manifestPath}: empty manifest");
        }
        catch (JsonException e)
        {
            throw new ModelPackageException(e.Path is { Length: > 2 } at
                ? $"{manifestPath}: field '{at[2..]}' {SchemaProblem(e)}"
                : $"{manifestPath}: invalid manifest: {JsonInput.OneLine(e)}", e);
        }
        ManifestValidator.Validate(manifest, manifestPath);
        VerifyFiles(manifest, full, manifestPath, check);
        return new ModelPackage(full, manifest, Convert.ToHexStringLower(SHA256.HashData(bytes)), Stopwatch.GetElapsedTime(start));
    }

    /// <summary>What the serializer found wrong at a field, in our words rather than its advice to the programmer.</summary>
    private static string SchemaProblem(JsonException e)
    {
        const string convert = "could not be converted to ";
        var message = e.Message;
        if (message.Contains("null", StringComparison.Ordinal) && message.Contains("allow", StringComparison.Ordinal)) return "is null; it must have a value";
        var at = message.IndexOf(convert, StringComparison.Ordinal);
        if (at < 0) return $"is invalid: {JsonInput.OneLine(e)}";
        var type = message[(at + convert.Length)..];
        type = type[..Math.Max(0, type.IndexOf(". Path:", StringComparison.Ordinal))];
        var expected = type switch
        {
            "System.Int32" or "System.Int64" => "an integer",
            "System.Double" or "System.Single" => "a number",
            "System.String" => "a string",
            "System.Boolean" => "true or false",
            _ when type.Contains("List`1", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) => "an array",
            _ when type.Contains("Dictionary`2", StringComparison.Ordinal) => "an object",
            _ => "an object",
        };
        return $"has the wrong type (expected {expected})";
    }

    /// <summary>Format and version first, so an older package gets a plain "re-export" and not a schema error.</summary>
    private static void CheckFormatVersion(byte[] bytes, string path)
    {
        JsonDocument document;
        try { document = JsonInput.ParseDocument(bytes); }
        catch (JsonException e) { throw new ModelPackageException($"{path}: invalid manifest (not JSON): {JsonInput.OneLine(e)}", e); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new ModelPackageException($"{path}: the manifest is not a JSON object");
            var root = document.RootElement;
            var format = root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            if (format != ModelManifest.FormatName)
                throw new ModelPackageException($"{path}: field 'format' is '{format ?? "(missing)"}', expected '{ModelManifest.FormatName}'");
            if (!root.TryGetProperty("formatVersion", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version))
                throw new ModelPackageException($"{path}: field 'formatVersion' is missing or not an integer");
            if (version < ModelManifest.CurrentFormatVersion)
                throw new ModelPackageException($"{path}: package format version {version} was written by an earlier Jano.NET; this runtime reads version {ModelManifest.CurrentFormatVersion}: re-export it with `jano export --checkpoint CHECKPOINT --out {Path.GetDirectoryName(path)}`");
            if (version > ModelManifest.CurrentFormatVersion)
                throw new ModelPackageException($"{path}: package format version {version} is newer than this runtime's ({ModelManifest.CurrentFormatVersion}); update Jano.NET");
        }
    }

    /// <summary>Every file the manifest names (stages, tables, encoders, decoder), with what names it.</summary>
    public static IEnumerable<(string Stage, string File)> ReferencedFiles(ModelManifest m)
    {
        foreach (var (stage, graph) in m.Stages.All()) yield return (stage, graph.File);
        foreach (var table in m.Transformer.Tables) yield return ($"table '{table.Name}'", table.File);
        foreach (var encoder in m.Components.TextEncoders)
        {
            if (encoder.Graph is { } graph) yield return ($"text encoder '{encoder.Kind}'", graph);
            foreach (var file in encoder.Tokenizer ?? []) yield return ($"text encoder '{encoder.Kind}' tokenizer", file);
        }
        if (m.Components.Decoder.Graph is { } decoder) yield return ("decoder", decoder);
    }

    private static void VerifyFiles(ModelManifest m, string folder, string manifestPath, FileCheck check)
    {
        if (m.Files is null) throw new ModelPackageException($"{manifestPath}: field 'files' is missing");
        var listed = new Dictionary<string, PackageFile>(StringComparer.Ordinal);
        foreach (var f in m.Files)
        {
            if (f is null || string.IsNullOrEmpty(f.Path) || f.Sha256 is null)
                throw new ModelPackageException($"{manifestPath}: field 'files' has an entry without a path or sha256");
            if (!listed.TryAdd(f.Path, f)) throw new ModelPackageException($"{manifestPath}: field 'files' lists '{f.Path}' twice");
        }
        foreach (var (stage, file) in ReferencedFiles(m))
            if (!listed.ContainsKey(file))
                throw new ModelPackageException($"{manifestPath}: {stage} file '{file}' is not in the file list");

        foreach (var f in m.Files)
        {
            if (f.Path.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(f.Path))
                throw new ModelPackageException($"{manifestPath}: file entry '{f.Path}' points outside the package");
            var path = Path.Combine(folder, f.Path);
            if (!File.Exists(path)) throw new ModelPackageException($"{path}: package file is missing");
            var length = new FileInfo(path).Length;
            if (length != f.Bytes)
                throw new ModelPackageException($"{path}: package file has {length} bytes, the manifest records {f.Bytes}: altered or truncated");
            if (check == FileCheck.OnOpen && length > HashOnOpenLimit) continue;
            using var stream = File.OpenRead(path);
            var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!string.Equals(hash, f.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new ModelPackageException($"{path}: package file's sha256 differs from the manifest: altered or corrupted");
        }
    }
}
