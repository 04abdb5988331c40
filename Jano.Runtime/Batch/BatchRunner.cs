using System.Diagnostics;
using System.Security.Cryptography;
using Jano.Core.Acceleration;
using Jano.Runtime.Imaging;
using Jano.Runtime.Pipeline;

namespace Jano.Runtime.Batch;

/// <summary>Where a batch run stands, after each item.</summary>
public sealed record BatchProgress(int Done, int Total, int Skipped, int Failed, string LastId, double LastMs);

/// <summary>What a run did: items generated now, found done by an earlier run, failed.</summary>
public sealed record BatchOutcome(int Generated, int Skipped, int Failed, double GenerateMs);

/// <summary>
/// Runs a batch manifest into a folder: checks every line (and every line against its package) before the
/// first item runs, opens each package once, skips what an earlier run finished, writes ID.png + ID.json as
/// one unit and then appends the item to index.jsonl (fsynced), and goes on past a failed item (errors.jsonl).
/// A kill at any moment loses at most the item in progress, which the next run redoes: the order of work is
/// the manifest's, so a resumed run leaves the same bytes as an uninterrupted one.
/// Not thread-safe: one runner, one folder, one process (a second process on the same folder would interleave the index).
/// </summary>
public sealed class BatchRunner : IDisposable
{
    private readonly BatchRunSettings _settings;
    private readonly Dictionary<string, TextToImagePipeline> _pipelines = new(StringComparer.Ordinal);

    public BatchRunner(BatchRunSettings settings) => _settings = settings;

    /// <summary>Notes for the user from opening packages (a thread cap, a provider fallback).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>
    /// The manifest's items of this shard, each checked against its package; throws
    /// <see cref="BatchManifestException"/> naming the file and line of the first one that cannot run.
    /// </summary>
    public IReadOnlyList<PreparedItem> Prepare()
    {
        var path = _settings.ManifestPath;
        var all = BatchManifest.Read(path);
        var baseFolder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var prepared = new List<PreparedItem>();
        for (var position = 0; position < all.Count; position++)
        {
            var item = all[position].WithDefaults(_settings.Defaults, position);
            if (!_settings.Shard.Owns(item.Id)) continue;
            prepared.Add(PrepareItem(item, baseFolder, path));
        }
        return prepared;
    }

    private PreparedItem PrepareItem(BatchItem item, string baseFolder, string path)
    {
        string Where(string field) => $"{path}:{item.Line}: field '{field}'";
        var folder = item.Model is { } m ? Path.GetFullPath(Path.Combine(baseFolder, m)) : Path.GetFullPath(_settings.DefaultModel);
        TextToImagePipeline pipeline;
        try { pipeline = PipelineFor(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            throw new BatchManifestException(item.Model is null ? $"{path}:{item.Line}: the batch's model {folder}: {e.Message}" : $"{Where("model")} is '{item.Model}': {e.Message}");
        }
        var method = item.Method ?? "jano";
        if (method is not ("jano" or "dense"))
            throw new BatchManifestException($"{Where("method")} is '{method}'; allowed: dense, jano");
        if (method == "dense" && item.Preset is not null)
            throw new BatchManifestException($"{Where("preset")} is '{item.Preset}' but the method is dense (a preset is Jano's)");
        var request = new GenerationRequest
        {
            Prompt = item.Prompt, NegativePrompt = item.Negative ?? "", Seed = item.Seed ?? 0, Steps = item.Steps,
            Guidance = item.Guidance, Width = item.Width, Height = item.Height,
        };
        try
        {
            request.Validate();
            if (item.Width is not null || item.Height is not null)
            {
                if (item.Width is null || item.Height is null) throw new ArgumentException("give both width and height");
                pipeline.GeometryFor(request);
            }
        }
        catch (ArgumentException e) { throw new BatchManifestException($"{path}:{item.Line}: {e.Message}"); }

        if (method == "jano")
        {
            var manifest = pipeline.Package.Manifest;
            var presets = manifest.JanoPresets ?? JanoPresets.For(manifest.Geometry.Height, manifest.Geometry.Width).ToDictionary(p => p.Key, p => p.Value);
            var name = item.Preset ?? manifest.DefaultJanoPreset ?? JanoPresets.Reference;
            if (!presets.TryGetValue(name, out var options))
                throw new BatchManifestException($"{Where("preset")} is '{name}', which this package does not have (presets: {string.Join(", ", presets.Keys)})");
            // A package default that cannot act at this step count runs dense with a note (as generate does); a preset the line names must fit.
            request = request with { Jano = options, FallBackToDense = item.Preset is null };
            try
            {
                var effective = pipeline.EffectiveJano(request, out _);
                request = request with { Jano = effective, FallBackToDense = false };
                if (effective is null) method = "dense";
            }
            catch (ArgumentException e) { throw new BatchManifestException($"{Where("preset")} '{name}': {e.Message}"); }
        }
        return new PreparedItem(item, folder, request, method);
    }

    private TextToImagePipeline PipelineFor(string folder)
    {
        if (_pipelines.TryGetValue(folder, out var p)) return p;
        p = TextToImagePipeline.Open(folder, _settings.Runtime);
        void Note(string? text) { if (text is not null && !Notes.Contains("note: " + text)) Notes.Add("note: " + text); }
        Note(p.ThreadsNote);
        if (p.Sessions.FallbackReason is { } why) Note($"using the CPU provider; CUDA is not available ({why})");
        if (p.BuffersFallbackReason is { } reason) Note($"the step loop's buffers stay in host memory; GPU buffers are not available ({reason})");
        _pipelines[folder] = p;
        return p;
    }

    /// <summary>Runs the prepared items, skipping those the folder's index already holds.</summary>
    public BatchOutcome Run(IReadOnlyList<PreparedItem> items, IProgress<BatchProgress>? progress = null, CancellationToken cancel = default)
    {
        var output = _settings.OutputFolder;
        if (File.Exists(output)) throw new IOException($"--out {output}: is a file; give a folder for the batch's images");
        var ids = items.Select(i => i.Item.Id).ToList();
        BatchState.StartOrResume(output, BatchState.HashOf(_settings.ManifestPath), _settings.Shard, ids);
        LeftoverTemporaries.Remove(output);
        using var index = AppendOnlyJsonl<BatchIndexEntry>.Open(Path.Combine(output, BatchFiles.Index));
        using var errors = AppendOnlyJsonl<BatchErrorEntry>.Open(Path.Combine(output, BatchFiles.Errors));
        var done = index.Existing.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var failedBefore = errors.Existing.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);

        int generated = 0, skipped = 0, failed = 0, visited = 0;
        double generateMs = 0;
        // Groups depend on the manifest and the batch size alone, never on what an earlier run finished, so
        // a resumed run forms the same groups and computes the same bytes.
        foreach (var group in BatchGroups.Form(items, _settings.BatchSize, CanShareAForward))
        {
            cancel.ThrowIfCancellationRequested();
            var pending = group.Where(it => !done.Contains(it.Item.Id)).ToList();
            var start = Stopwatch.GetTimestamp();
            var results = pending.Count == 0 ? [] : GenerateGroup(group, pending);
            var msEach = pending.Count == 0 ? 0 : Stopwatch.GetElapsedTime(start).TotalMilliseconds / pending.Count;
            foreach (var it in group)
            {
                var id = it.Item.Id;
                visited++;
                if (done.Contains(id)) { skipped++; progress?.Report(new BatchProgress(visited, items.Count, skipped, failed, id, 0)); continue; }
                var writeStart = Stopwatch.GetTimestamp();
                try
                {
                    var result = results[id];
                    if (result.Error is { } error) throw error;
                    var unionOf = group.Count > 1 && result.Value!.Method == "jano" && result.Batched ? group.Select(g => g.Item.Id).ToList() : null;
                    index.Append(Write(it, result.Value!, output, unionOf));
                    generated++;
                }
                catch (Exception e) when (IsItemFailure(e))
                {
                    failed++;
                    // A rerun retries a failed item; its error is recorded once (the same failure, the same line), so the folder stays the same bytes.
                    if (failedBefore.Add(id)) errors.Append(new BatchErrorEntry(id, it.Item.Line, Jano.Core.OneLine.Of(e.Message)));
                }
                var ms = msEach + Stopwatch.GetElapsedTime(writeStart).TotalMilliseconds;
                generateMs += ms;
                progress?.Report(new BatchProgress(visited, items.Count, skipped, failed, id, ms));
            }
        }
        return new BatchOutcome(generated, skipped, failed, generateMs);
    }

    private static bool IsItemFailure(Exception e) =>
        e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or NonFiniteLatentsException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException;

    /// <summary>One item's generation: its result (from the group's batched forward, or alone), or the failure to record for it.</summary>
    private readonly record struct Outcome(GenerationResult? Value, Exception? Error, bool Batched = false);

    private bool CanShareAForward(IReadOnlyList<PreparedItem> group, PreparedItem next) =>
        next.PackageFolder == group[0].PackageFolder
        && PipelineFor(next.PackageFolder).WhyNotOneBatch([.. group.Select(g => g.Request), next.Request]) is null;

    /// <summary>
    /// The group's images: one batched generation of the whole group (finished members included, so the
    /// batch is the same as in an uninterrupted run), or each pending item alone for a group of one or when
    /// the batch failed (so a failure is recorded against the item that caused it).
    /// </summary>
    private Dictionary<string, Outcome> GenerateGroup(IReadOnlyList<PreparedItem> group, IReadOnlyList<PreparedItem> pending)
    {
        var outcomes = new Dictionary<string, Outcome>(StringComparer.Ordinal);
        if (group.Count > 1)
        {
            try
            {
                var results = PipelineFor(group[0].PackageFolder).GenerateBatch(group.Select(g => g.Request).ToList());
                for (var j = 0; j < group.Count; j++) outcomes[group[j].Item.Id] = new Outcome(results[j], null, Batched: true);
                return outcomes;
            }
            catch (Exception e) when (IsItemFailure(e)) { outcomes.Clear(); }
        }
        foreach (var it in pending)
        {
            try { outcomes[it.Item.Id] = new Outcome(PipelineFor(it.PackageFolder).Generate(it.Request), null); }
            catch (Exception e) when (IsItemFailure(e)) { outcomes[it.Item.Id] = new Outcome(null, e); }
        }
        return outcomes;
    }

    private BatchIndexEntry Write(PreparedItem it, GenerationResult result, string output, IReadOnlyList<string>? janoUnionOf)
    {
        var pipeline = PipelineFor(it.PackageFolder);
        var png = ImageWriter.EncodePng([result.Image], result.Channels, result.Height, result.Width);
        var item = it.Item;
        var image = item.Id + ".png";
        var sidecar = new BatchSidecar
        {
            Id = item.Id, Line = item.Line, Prompt = item.Prompt, Negative = it.Request.NegativePrompt, Seed = it.Request.Seed,
            Steps = result.Steps, Guidance = result.Guidance, Width = result.Width, Height = result.Height, Sampler = result.Sampler,
            Method = it.Method, Jano = it.Request.Jano, Model = item.Model ?? pipeline.Package.Manifest.Name,
            PackageSha256 = pipeline.Package.ManifestSha256, Image = image, JanoUnionOf = janoUnionOf,
        };
        var json = System.Text.Encoding.UTF8.GetBytes(sidecar.ToJson());
        Jano.Core.IO.FilePair.Write(Path.Combine(output, image), s => s.Write(png), Path.Combine(output, item.Id + ".json"), s => s.Write(json));
        return new BatchIndexEntry(item.Id, item.Line, it.Request.Seed, image, item.Id + ".json", Convert.ToHexStringLower(SHA256.HashData(png)));
    }

    public void Dispose()
    {
        foreach (var p in _pipelines.Values) p.Dispose();
        _pipelines.Clear();
    }
}
