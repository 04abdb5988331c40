using Jano.Core.IO;

namespace Jano.Export.Checkpoints;

/// <summary>
/// The weights of a diffusers-layout checkpoint folder: one safetensors file or a sharded set behind a
/// <c>.safetensors.index.json</c>. Lookups are strict (missing key, wrong shape and non-float dtype are
/// errors naming the file and key) and every key handed out is remembered, so that after an export
/// <see cref="UnusedKeys"/> reveals weights the exporter did not consume — the sign that config and
/// checkpoint disagree (e.g. more layers in the file than in config.json).
/// </summary>
public sealed class CheckpointWeights : IDisposable
{
    /// <summary>Base names tried in order: diffusers models first, then transformers-style names.</summary>
    public static readonly IReadOnlyList<string> WeightBaseNames = ["diffusion_pytorch_model", "model"];

    private readonly List<SafetensorsFile> _files;
    private readonly OrderedDictionary<string, SafetensorsFile> _fileOfKey; // in shard order, then data order
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly Lock _usedLock = new();

    private WeightChecks _checks = new();

    private CheckpointWeights(string folder, string sourcePath, List<SafetensorsFile> files, OrderedDictionary<string, SafetensorsFile> fileOfKey)
    {
        Folder = folder;
        SourcePath = sourcePath;
        _files = files;
        _fileOfKey = fileOfKey;
    }

    /// <summary>The checkpoint folder as given to <see cref="Open"/>.</summary>
    public string Folder { get; }

    /// <summary>The file that defines the weights: the single safetensors file or the shard index.</summary>
    public string SourcePath { get; }

    /// <summary>Every tensor key, in shard order and then data order.</summary>
    public IReadOnlyCollection<string> Keys => _fileOfKey.Keys;

    /// <summary>
    /// Opens the weights in <paramref name="folder"/>. For each base name, a shard index wins over a single
    /// file, as in diffusers; diffusion_pytorch_model.* wins over model.*.
    /// </summary>
    /// <param name="checks">What every converted tensor is checked for (finite values that fit the package's dtype); null: float32, nothing allowed.</param>
    public static CheckpointWeights Open(string folder, WeightChecks? checks = null)
    {
        var weights = OpenFiles(folder);
        weights._checks = checks ?? new WeightChecks();
        return weights;
    }

    private static CheckpointWeights OpenFiles(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
            throw new CheckpointException($"checkpoint folder {folder} does not exist");

        foreach (string baseName in WeightBaseNames)
        {
            string index = Path.Combine(folder, baseName + ".safetensors.index.json");
            if (File.Exists(index)) return OpenSharded(folder, index);
            string single = Path.Combine(folder, baseName + ".safetensors");
            if (File.Exists(single)) return OpenSingle(folder, single);
        }
        throw new CheckpointException(NoWeightsMessage(folder));
    }

    public bool Contains(string key) => _fileOfKey.ContainsKey(key);

    /// <summary>The stored shape; does not count as using the key.</summary>
    public long[] GetShape(string key) => (long[])Entry(key).Entry.Shape.Clone();

    /// <summary>
    /// The tensor as float32, after checking that its shape is exactly <paramref name="expectedShape"/>
    /// (no arguments means a scalar). Marks the key as used.
    /// </summary>
    public float[] GetFloat32(string key, params long[] expectedShape)
    {
        ArgumentNullException.ThrowIfNull(expectedShape);
        (SafetensorsFile file, SafetensorsEntry entry) = Entry(key);
        if (!entry.Shape.AsSpan().SequenceEqual(expectedShape))
            throw new CheckpointException(
                $"checkpoint {file.Path}: tensor '{key}' has shape {entry.ShapeText}, expected {SafetensorsShape.Format(expectedShape)}");
        if (!entry.DType.IsFloatingPoint())
            throw new CheckpointException($"checkpoint {file.Path}: tensor '{key}' is {entry.DType}, expected a floating-point dtype");

        float[] values = file.ReadAsFloat32(key);
        CheckValues(values, file.Path, key);
        lock (_usedLock) _used.Add(key);
        return values;
    }

    /// <summary>
    /// No trained weight is NaN, infinite or near float's limits (or, for a float16 package, beyond a
    /// half's range); such a checkpoint would export fine and then generate black images. Checked on the
    /// floats just converted, so no tensor is read twice: the refusal counts the other unread tensors
    /// too, so that one line says how much of the checkpoint is affected.
    /// </summary>
    private void CheckValues(float[] values, string path, string key)
    {
        var scan = WeightScan.Of(values, _checks.Limit);
        if (scan.Count == 0) return;
        if (_checks.AllowNonFinite)
        {
            _checks.Log?.Invoke($"note: checkpoint {path}: tensor '{key}' has {scan.Count} non-finite or out-of-range value(s) ({scan.Describe()}), written as they are (AllowNonFinite): a generation stops at the first step they reach the latents");
            return;
        }
        long tensors = 1, total = scan.Count;
        foreach (var (other, file) in _fileOfKey)
        {
            if (other == key || !file.Get(other).DType.IsFloatingPoint()) continue;
            lock (_usedLock) if (_used.Contains(other)) continue; // converted and checked already
            var count = WeightScan.Of(file.ReadAsFloat32(other), _checks.Limit).Count;
            if (count == 0) continue;
            tensors++;
            total += count;
        }
        var onlyRange = scan.Count == scan.BeyondLimit && _checks.Float16;
        throw new CheckpointException(
            $"checkpoint {path}: tensor '{key}' has {scan.Count} non-finite or out-of-range value(s) ({scan.Describe()}); {tensors} of {_fileOfKey.Count} tensors have such values, {total} in all: " +
            (onlyRange ? "a float16 package cannot hold them (export at float32)" : "weights must be finite (a corrupted or overflowed checkpoint)") +
            ", or allow them with --allow-nonfinite (ExportOptions.AllowNonFinite)");
    }

    /// <summary>Keys never returned by <see cref="GetFloat32"/>, in checkpoint order; a snapshot.</summary>
    public IEnumerable<string> UnusedKeys()
    {
        lock (_usedLock) return _fileOfKey.Keys.Where(k => !_used.Contains(k)).ToList();
    }

    public void Dispose()
    {
        foreach (SafetensorsFile file in _files) file.Dispose();
    }

    private (SafetensorsFile File, SafetensorsEntry Entry) Entry(string key)
    {
        if (!_fileOfKey.TryGetValue(key, out SafetensorsFile? file))
            throw new CheckpointException($"checkpoint {SourcePath} has no tensor '{key}'");
        return (file, file.Get(key));
    }

    private static CheckpointWeights OpenSingle(string folder, string path)
    {
        SafetensorsFile file = SafetensorsFile.Open(path);
        var fileOfKey = new OrderedDictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (string key in file.Entries.Keys) fileOfKey.Add(key, file);
        return new CheckpointWeights(folder, path, [file], fileOfKey);
    }

    /// <summary>
    /// Every tensor of every shard becomes a key, not only those the index lists, because loading a sharded
    /// checkpoint reads whole shards; the index must agree with the shards where it does speak.
    /// </summary>
    private static CheckpointWeights OpenSharded(string folder, string indexPath)
    {
        IReadOnlyDictionary<string, string> weightMap = CheckpointIndex.ReadWeightMap(indexPath);
        var files = new List<SafetensorsFile>();
        try
        {
            var shardByName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            var fileOfKey = new OrderedDictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (string shardName in weightMap.Values.Distinct(StringComparer.Ordinal))
            {
                string shardPath = Path.Combine(folder, shardName);
                if (!File.Exists(shardPath))
                    throw new CheckpointException($"checkpoint index {indexPath} names shard {shardName}, which does not exist");
                SafetensorsFile shard = SafetensorsFile.Open(shardPath);
                files.Add(shard);
                shardByName.Add(shardName, shard);
                foreach (string key in shard.Entries.Keys)
                {
                    if (!fileOfKey.TryAdd(key, shard))
                        throw new CheckpointException(
                            $"checkpoint index {indexPath}: tensor '{key}' is in both {fileOfKey[key].Path} and {shard.Path}");
                }
            }

            foreach ((string key, string shardName) in weightMap)
            {
                if (!shardByName[shardName].Contains(key))
                    throw new CheckpointException(
                        $"checkpoint index {indexPath} maps tensor '{key}' to {shardName}, but {shardByName[shardName].Path} has no such tensor");
            }
            return new CheckpointWeights(folder, indexPath, files, fileOfKey);
        }
        catch
        {
            foreach (SafetensorsFile file in files) file.Dispose();
            throw;
        }
    }

    private static string NoWeightsMessage(string folder)
    {
        string expected = string.Join(", ", WeightBaseNames.Select(b => b + ".safetensors"));
        string message = $"checkpoint folder {folder} has no weights: expected {expected} or a sharded *.safetensors.index.json";
        // A PyTorch pickle checkpoint is the common near miss; name it so the fix is obvious.
        string[] pickles = Directory.EnumerateFiles(folder)
            .Select(Path.GetFileName)
            .Where(n => n is not null && (n.EndsWith(".bin", StringComparison.Ordinal) || n.EndsWith(".pt", StringComparison.Ordinal)
                                          || n.EndsWith(".ckpt", StringComparison.Ordinal)))
            .Select(n => n!)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (pickles.Length > 0)
            message += $" (found {string.Join(", ", pickles)}: PyTorch pickle checkpoints are not read; convert them to safetensors)";
        return message;
    }
}
