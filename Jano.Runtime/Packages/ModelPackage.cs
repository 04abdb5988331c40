using System.Security.Cryptography;
using System.Text.Json;

namespace Jano.Runtime.Packages;

/// <summary>
/// An opened model package: the parsed, validated manifest and the absolute paths of its files.
/// Opening checks that every listed file exists with its recorded size and (by default) hash, so a
/// missing or altered file is reported by name before any ONNX Runtime session is created.
/// </summary>
public sealed class ModelPackage
{
    private ModelPackage(string folder, ModelManifest manifest, string manifestSha256)
    {
        Folder = folder;
        Manifest = manifest;
        ManifestSha256 = manifestSha256;
    }

    public string Folder { get; }
    public ModelManifest Manifest { get; }

    /// <summary>sha256 of jano-model.json, which covers every file's hash: the package's identity.</summary>
    public string ManifestSha256 { get; }

    public string PathOf(string relative) => Path.Combine(Folder, relative);

    public static ModelPackage Open(string folder, bool verifyHashes = true)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new ModelPackageException($"{folder}: model package folder not found");
        var manifestPath = Path.Combine(full, ModelManifest.FileName);
        if (!File.Exists(manifestPath))
            throw new ModelPackageException($"{folder}: not a model package (no {ModelManifest.FileName}); create one with `jano export`");

        var bytes = File.ReadAllBytes(manifestPath);
        ModelManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(bytes, ModelManifest.JsonOptions)
                ?? throw new ModelPackageException($"{manifestPath}: empty manifest");
        }
        catch (JsonException e)
        {
            throw new ModelPackageException($"{manifestPath}: invalid manifest{(e.Path is null ? "" : $" at {e.Path}")}: {e.Message}", e);
        }
        Validate(manifest, manifestPath);
        VerifyFiles(manifest, full, manifestPath, verifyHashes);
        return new ModelPackage(full, manifest, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>(stage, file) pairs in execution order.</summary>
    public IEnumerable<(string Stage, string File)> StageFileList()
    {
        var s = Manifest.Stages;
        yield return ("embed", s.Embed);
        yield return ("cond", s.Cond);
        yield return ("context", s.Context);
        for (var i = 0; i < s.Blocks.Count; i++)
        {
            yield return ($"block {i} pre", s.Blocks[i].Pre);
            yield return ($"block {i} post", s.Blocks[i].Post);
        }
        yield return ("final", s.Final);
        yield return ("attention", s.Attention);
        yield return ("model", s.Model);
        yield return ("positions", s.Positions);
    }

    private static void Validate(ModelManifest m, string path)
    {
        ModelPackageException Bad(string field, string problem) => new($"{path}: field '{field}' {problem}");
        if (m.Format != ModelManifest.FormatName) throw Bad("format", $"is '{m.Format}', expected '{ModelManifest.FormatName}'");
        if (m.FormatVersion != ModelManifest.CurrentFormatVersion)
            throw Bad("formatVersion", $"is {m.FormatVersion}; this runtime reads version {ModelManifest.CurrentFormatVersion}");
        if (m.Family != "pixart") throw Bad("family", $"is '{m.Family}'; this runtime knows: pixart");
        if (m.DType is not ("float32" or "float16")) throw Bad("dtype", $"is '{m.DType}'; this runtime reads float32 and float16 packages");
        var d = m.Dims ?? throw Bad("dims", "is missing");
        if (d.HiddenSize <= 0 || d.Depth <= 0 || d.Heads <= 0 || d.HeadDim <= 0 || d.PatchSize <= 0 || d.InChannels <= 0 || d.SampleSize <= 0)
            throw Bad("dims", "has a non-positive size");
        if (d.Heads * d.HeadDim != d.HiddenSize) throw Bad("dims.heads", $"× headDim ({d.Heads}×{d.HeadDim}) differs from hiddenSize {d.HiddenSize}");
        if (d.SampleSize % d.PatchSize != 0) throw Bad("dims.patchSize", $"{d.PatchSize} does not divide sampleSize {d.SampleSize}");
        if (d.OutChannels != d.InChannels && d.OutChannels != 2 * d.InChannels)
            throw Bad("dims.outChannels", $"must equal inChannels or twice it, found {d.OutChannels}");
        if (m.Sampler is null || m.Sampler.Kind is not (SamplerSettings.FlowEuler or SamplerSettings.Ddim))
            throw Bad("sampler.kind", $"is '{m.Sampler?.Kind}'; known: {SamplerSettings.FlowEuler}, {SamplerSettings.Ddim}");
        if (m.Stages is null) throw Bad("stages", "is missing");
        if (m.Stages.Blocks is null || m.Stages.Blocks.Count != d.Depth)
            throw Bad("stages.blocks", $"lists {m.Stages.Blocks?.Count ?? 0} blocks, dims.depth is {d.Depth}");
        if (m.Defaults.Steps <= 0) throw Bad("defaults.steps", "must be positive");
    }

    private static void VerifyFiles(ModelManifest m, string folder, string manifestPath, bool verifyHashes)
    {
        var listed = m.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var package = new ModelPackage(folder, m, "");
        foreach (var (stage, file) in package.StageFileList())
            if (!listed.ContainsKey(file))
                throw new ModelPackageException($"{manifestPath}: stage '{stage}' file '{file}' is not in the file list");

        foreach (var f in m.Files)
        {
            if (f.Path.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(f.Path))
                throw new ModelPackageException($"{manifestPath}: file entry '{f.Path}' points outside the package");
            var path = Path.Combine(folder, f.Path);
            if (!File.Exists(path)) throw new ModelPackageException($"{path}: package file is missing");
            var length = new FileInfo(path).Length;
            if (length != f.Bytes)
                throw new ModelPackageException($"{path}: package file has {length} bytes, the manifest records {f.Bytes}: altered or truncated");
            if (!verifyHashes) continue;
            using var stream = File.OpenRead(path);
            var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!string.Equals(hash, f.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new ModelPackageException($"{path}: package file's sha256 differs from the manifest: altered or corrupted");
        }
    }
}
