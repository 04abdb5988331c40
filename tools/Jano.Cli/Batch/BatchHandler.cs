using System.Diagnostics;
using System.Globalization;
using Jano.Runtime;
using Jano.Runtime.Batch;

namespace Jano.Cli.Batch;

/// <summary>
/// `jano batch JOBS.jsonl --out DIR`: checks the flags, finds the shard (the flag, else the Slurm array or
/// Kubernetes Indexed Job environment, else the whole batch), checks every line of the manifest against
/// its package before the first item runs, then runs the shard's items with a progress line and ends with
/// one summary line. Every refusal is one line on stderr naming the flag, file or field.
/// </summary>
public sealed class BatchHandler(Func<string, string?>? environment = null)
{
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    /// <summary>The most images one forward may carry (buffers grow with it).</summary>
    public const int MaxBatchSize = 64;

    public int Run(BatchSettings settings, TextWriter stdout, TextWriter stderr)
    {
        BatchRunSettings run;
        try { run = RunSettings(settings); }
        catch (UsageException e) { stderr.WriteLine($"jano batch: {e.Message}"); return BatchExitCodes.Usage; }

        var start = Stopwatch.GetTimestamp();
        try
        {
            using var runner = new BatchRunner(run);
            var items = runner.Prepare();
            foreach (var note in runner.Notes) stderr.WriteLine(note);
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batch: {items.Count} item{(items.Count == 1 ? "" : "s")} in shard {run.Shard} of {settings.Manifest}, into {run.OutputFolder}"));
            var progress = new BatchProgressLine(stderr, !Console.IsErrorRedirected && ReferenceEquals(stderr, Console.Error));
            var outcome = runner.Run(items, progress);
            var wallMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            stdout.WriteLine(Summary(outcome, run, wallMs));
            if (outcome.Failed > 0)
            {
                stderr.WriteLine($"jano batch: {outcome.Failed} item{(outcome.Failed == 1 ? "" : "s")} failed; see {Path.Combine(run.OutputFolder, BatchFiles.Errors)} (a rerun retries them)");
                return BatchExitCodes.Incomplete;
            }
            return BatchExitCodes.Done;
        }
        catch (BatchManifestException e) { stderr.WriteLine($"jano batch: {e.Message}"); return BatchExitCodes.Refused; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or InvalidOperationException or ArgumentException)
        {
            stderr.WriteLine($"jano batch: {Jano.Core.OneLine.Of(e.Message)}");
            return BatchExitCodes.Refused;
        }
    }

    /// <summary>The flags as the runner takes them; <see cref="UsageException"/> names the first bad one.</summary>
    public BatchRunSettings RunSettings(BatchSettings s)
    {
        if (string.IsNullOrWhiteSpace(s.Manifest)) throw new UsageException("give the manifest: jano batch JOBS.jsonl --out DIR");
        if (string.IsNullOrWhiteSpace(s.Out)) throw new UsageException("--out DIR is required: the folder for the images, their sidecars and index.jsonl");
        if (s.Steps is < 1 or > BatchManifest.MaxSteps) throw new UsageException($"--steps must be from 1 to {BatchManifest.MaxSteps}, got {s.Steps}");
        if (s.Guidance is { } g && (!double.IsFinite(g) || g < 0)) throw new UsageException($"--guidance must be a finite number ≥ 0, got {g.ToString(CultureInfo.InvariantCulture)}");
        if (s.Seed < 0) throw new UsageException($"--seed must be ≥ 0, got {s.Seed}");
        if (s.Threads < 0) throw new UsageException($"--threads must be ≥ 0, got {s.Threads}");
        if (s.Attention is not ("kernel" or "ort")) throw new UsageException($"--attention must be kernel or ort, got '{s.Attention}'");
        if (s.Provider is not ("auto" or "cpu" or "cuda")) throw new UsageException($"--provider must be auto, cpu or cuda, got '{s.Provider}'");
        if (s.Method is not (null or "dense" or "jano")) throw new UsageException($"--method must be dense or jano, got '{s.Method}'");
        if (s.Method == "dense" && s.Preset is not null) throw new UsageException("--jano-preset cannot be combined with --method dense");
        if (s.BatchSize is < 1 or > MaxBatchSize) throw new UsageException($"--batch-size must be from 1 to {MaxBatchSize}, got {s.BatchSize}");
        if (s.Completions is < 1) throw new UsageException($"--completions must be ≥ 1 (the Job's spec.completions), got {s.Completions}");

        ShardSpec shard;
        try
        {
            if (s.Shard is { } given) shard = ShardSpec.Parse(given);
            else if (ShardSpec.FromEnvironment(_environment, s.Completions) is { } fromEnvironment) shard = fromEnvironment;
            else if (s.Completions is { } n) throw new UsageException($"--completions {n} is a Kubernetes Indexed Job's count, but JOB_COMPLETION_INDEX is not set; give --shard INDEX/COUNT outside a Job");
            else shard = ShardSpec.Whole;
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }

        return new BatchRunSettings
        {
            ManifestPath = s.Manifest,
            OutputFolder = s.Out,
            DefaultModel = Path.GetFullPath(s.Model ?? LocateDefaultModel()),
            Shard = shard,
            BatchSize = s.BatchSize,
            Defaults = new BatchDefaults
            {
                Negative = s.Negative ?? "", FirstSeed = s.Seed, Steps = s.Steps, Guidance = s.Guidance,
                Width = s.Size?.Width, Height = s.Size?.Height, Method = s.Method, Preset = s.Preset,
            },
            Runtime = new RuntimeOptions { Threads = s.Threads, Provider = s.Provider, Attention = s.Attention, TruncatePrompts = s.Truncate },
        };
    }

    /// <summary>The shipped model, or its relative path when it is not here (then only items that name a model can run, and the others say so).</summary>
    private static string LocateDefaultModel()
    {
        try { return DefaultModel.Locate(); }
        catch (FileNotFoundException) { return DefaultModel.RelativePath; }
    }

    private static string Summary(BatchOutcome o, BatchRunSettings run, double wallMs)
    {
        var total = o.Generated + o.Skipped + o.Failed;
        var perImage = o.Generated == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $", {o.GenerateMs / 1000 / o.Generated:F3} s/image, {o.Generated * 60_000 / o.GenerateMs:F1} images/min");
        return string.Create(CultureInfo.InvariantCulture,
            $"batch shard {run.Shard}: {total} items, {o.Generated} generated, {o.Skipped} already done, {o.Failed} failed in {BatchProgressLine.Duration(wallMs)}{perImage}; index {Path.Combine(run.OutputFolder, BatchFiles.Index)}");
    }
}
