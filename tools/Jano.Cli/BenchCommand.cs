using Jano.Core.Acceleration;
using System.CommandLine;
using System.Globalization;
using Jano.Cli.CommandLine;
using Jano.Cli.Bench;
using Jano.Runtime;
using Jano.Core.Packages;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;

namespace Jano.Cli;

/// <summary>
/// `jano bench`: every accelerator (or those --methods names) against dense on one package over a prompt ×
/// seed set, in one process, runs interleaved after warm-up; --sweep runs each at 3–4 settings
/// (docs/BENCHMARKS.md, docs/ACCELERATORS.md). Prints the method table and writes bench.md, bench.json
/// and the Pareto plot bench.png into --out.
/// </summary>
public static class BenchCommand
{
    public const string ReportName = "bench.md";
    public const string JsonName = "bench.json";
    public const string PlotName = "bench.png";

    public static Command Create()
    {
        var model = ModelOption.Create("--model", "--package");
        var promptsFile = Bench.BenchPrompts.Option("--prompts-file");
        var seeds = CliOptions.Int("--seeds", "Seeds per prompt", 2, 1, 1000, OptionGroups.Benchmark);
        var warmupRuns = CliOptions.Int("--warmup-runs", "Untimed runs of each method before timing", 1, 0, 1000, OptionGroups.Benchmark);
        var repeats = CliOptions.Int("--repeats", "Timed runs of each image per method, interleaved (the median is reported)", 3, 1, 1000, OptionGroups.Benchmark);
        var forcedActive = CliOptions.OptionalDouble("--forced-active", "Replace Jano's analysis by a fixed mask with this fraction of active tokens (scaling studies)", 0, 1, OptionGroups.Benchmark);
        var forcedMedium = CliOptions.OptionalDouble("--forced-medium", "With --forced-active: the fraction of medium tokens", 0, 1, OptionGroups.Benchmark);
        var methods = CliOptions.Text("--methods", $"Methods to compare with dense, comma-separated, or all ({string.Join(", ", Jano.Runtime.Acceleration.AccelerationMethods.Names)})", "LIST", OptionGroups.Benchmark, BenchMethodSet.All);
        var sweep = CliOptions.Switch("--sweep", "Run each method at 3–4 settings (thresholds, intervals, step counts, Jano schedules) so the plot shows a curve per method", OptionGroups.Benchmark);
        var steps = CliOptions.OptionalInt("--steps", "Denoising steps (default: the package's)", 1, 10_000, OptionGroups.Generation);
        var guidance = CliOptions.OptionalDouble("--guidance", "Guidance scale (default: the package's)", 0, 1000, OptionGroups.Generation);
        var jano = new JanoFlags();
        var runtime = new RuntimeFlags(defaultProvider: "cpu");
        var output = CliOptions.Text("--out", $"Folder for {ReportName}, {JsonName} and {PlotName}", "DIR", OptionGroups.Output, "bench-results");
        var summary = CliOptions.Text("--summary", "Also append one row per method to this TSV file", "FILE.tsv", OptionGroups.Output);
        var command = new Command("bench", "Every accelerator (or --methods) against dense on one package over prompts × seeds, in one process, runs interleaved: time, speed-up, ideal speed-up, PSNR/SSIM, Pareto plot")
        {
            model, promptsFile, seeds, methods, sweep, warmupRuns, repeats, forcedActive, forcedMedium, steps, guidance,
        };
        jano.AddTo(command, withDense: false);
        runtime.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(summary);
        CliAction.Set(command, (parse, stdout, stderr) => Run(new Settings
        {
            Package = parse.GetValue(model),
            PromptsFile = parse.GetValue(promptsFile),
            Seeds = parse.GetValue(seeds),
            Methods = parse.GetValue(methods)!,
            Sweep = parse.GetValue(sweep),
            WarmupRuns = parse.GetValue(warmupRuns),
            Repeats = parse.GetValue(repeats),
            ForcedActive = parse.GetValue(forcedActive),
            ForcedMedium = parse.GetValue(forcedMedium),
            Steps = parse.GetValue(steps),
            Guidance = parse.GetValue(guidance),
            Jano = jano.Read(parse),
            Runtime = runtime.Read(parse),
            Output = parse.GetValue(output)!,
            Summary = parse.GetValue(summary),
        }, stdout, stderr));
        return command;
    }

    public sealed record Settings
    {
        public string? Package { get; init; }
        public string? PromptsFile { get; init; }
        public int Seeds { get; init; } = 2;
        /// <summary>"all" or comma-separated method names (<see cref="BenchMethodSet"/>).</summary>
        public string Methods { get; init; } = BenchMethodSet.All;
        public bool Sweep { get; init; }
        public int WarmupRuns { get; init; } = 1;
        public int Repeats { get; init; } = 3;
        public double? ForcedActive { get; init; }
        public double? ForcedMedium { get; init; }
        public int? Steps { get; init; }
        public double? Guidance { get; init; }
        public required JanoFlags.Values Jano { get; init; }
        public required RuntimeFlags.Values Runtime { get; init; }
        public string Output { get; init; } = "bench-results";
        public string? Summary { get; init; }
    }

    public static int Run(Settings s, TextWriter stdout, TextWriter stderr)
    {
        var (package, promptsFile, seeds, steps, guidance, warmupRuns, repeats) = (s.Package, s.PromptsFile, s.Seeds, s.Steps, s.Guidance, s.WarmupRuns, s.Repeats);
        var (threads, attention, provider, forcedActive, forcedMedium, output, summary, janoFlags) = (s.Runtime.Threads, s.Runtime.Attention, s.Runtime.Provider, s.ForcedActive, s.ForcedMedium, s.Output, s.Summary, s.Jano);
        var forced = Forced(forcedActive, forcedMedium);
        var promptLines = BenchPrompts.Load(promptsFile);
        var prompts = promptLines.Select(p => p.Text).ToList();
        new GenerationRequest { Prompt = prompts[0], Steps = steps, Guidance = guidance }.Validate(); // fail before loading anything
        PrepareOutput(output);
        if (summary is not null) // before the benchmark runs, not after
        {
            if (Directory.Exists(summary)) throw new IOException($"{summary}: --summary names a folder; give a .tsv file to append to");
            OutputPath.EnsureFolderWritable(Path.GetDirectoryName(Path.GetFullPath(summary))!, summary, "the summary");
        }

        using var pipeline = TextToImagePipeline.Open(package ?? DefaultModel.Locate(), new RuntimeOptions { Threads = threads, Attention = attention, Provider = provider });
        ProviderOption.NoteFallback(pipeline, stderr);
        if (pipeline.ThreadsNote is { } threadsNote) stderr.WriteLine($"note: {threadsNote}");
        BenchPrompts.CheckAll(pipeline, promptLines, promptsFile); // every line before the first image runs
        var manifest = pipeline.Package.Manifest;
        var jano = janoFlags.Resolve(manifest) ?? ReferencePreset(manifest);
        var denseSteps = steps ?? manifest.Defaults.Steps;
        jano.Validate(denseSteps, manifest.Geometry.Height, manifest.Geometry.Width);
        var notes = new List<string>();
        var presets = manifest.JanoPresets ?? JanoPresets.For(manifest.Geometry.Height, manifest.Geometry.Width).ToDictionary(p => p.Key, p => p.Value);
        var methods = BenchMethodSet.Resolve(s.Methods, s.Sweep, denseSteps, jano, presets, manifest.Acceleration?.TeaCache is not null, notes);
        foreach (var m in methods.Where(m => m.Jano is not null && m.Jano != jano))
        {
            try { m.Jano!.Validate(denseSteps, manifest.Geometry.Height, manifest.Geometry.Width); }
            catch (ArgumentException e) { throw new UsageException($"--sweep: {m.Label}: {e.Message}"); }
        }
        foreach (var n in notes) stderr.WriteLine($"note: {n}");
        var settings = new BenchSettings
        {
            Items = BenchItem.Cross(prompts, seeds),
            Methods = methods,
            Steps = steps,
            Guidance = guidance,
            WarmupRuns = warmupRuns,
            Repeats = repeats,
            Threads = threads,
            Attention = attention,
            Provider = pipeline.Sessions.Provider,
            Buffers = pipeline.Engine.Device.Description,
            Jano = jano,
            Forced = forced,
        };

        var measurements = new BenchRunner(pipeline, settings, stderr).Run();
        var report = BenchSummary.Create(measurements, settings, pipeline.Package, MachineInfo.Current(), DateTimeOffset.UtcNow) with { Sweep = s.Sweep, Notes = notes };
        var markdownPath = Path.Combine(output, ReportName);
        var jsonPath = Path.Combine(output, JsonName);
        var plotPath = Path.Combine(output, PlotName);
        Jano.Core.IO.FilePair.WriteAllText(markdownPath, BenchMarkdown.Render(report), jsonPath, report.ToJson()); // both or neither
        BenchPlot.Save(plotPath, report);
        if (summary is not null) BenchSummaryTsv.Append(summary, report);

        stdout.WriteLine(BenchMarkdown.Setup(report));
        stdout.WriteLine();
        stdout.Write(BenchMarkdown.Tables(report));
        stdout.WriteLine();
        stdout.WriteLine($"wrote {markdownPath}, {jsonPath}, {plotPath}{(summary is null ? "" : $", appended to {summary}")}");
        return 0;
    }

    private static ForcedFractions? Forced(double? active, double? medium)
    {
        if (active is null)
            return medium is null ? null : throw new UsageException("--forced-medium needs --forced-active");
        var m = medium ?? 0;
        if (!double.IsFinite(active.Value) || !double.IsFinite(m) || active < 0 || m < 0 || active + m > 1)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"forced fractions must be ≥ 0 and add up to at most 1, got active {active} + medium {m}"));
        return new ForcedFractions(active.Value, m);
    }

    /// <summary>Jano is always one of the methods: without flags or a package default, the reference preset.</summary>
    private static JanoOptions ReferencePreset(ModelManifest manifest) =>
        manifest.JanoPresets?.GetValueOrDefault(JanoPresets.Reference) ?? JanoPresets.For(manifest.Geometry.Height, manifest.Geometry.Width)[JanoPresets.Reference];

    private static void PrepareOutput(string folder)
    {
        if (string.IsNullOrWhiteSpace(folder)) throw new UsageException("--out is empty");
        if (File.Exists(folder)) throw new IOException($"{folder}: --out names a file; give a folder for {ReportName}, {JsonName} and {PlotName}");
        OutputPath.EnsureFolderWritable(folder, folder, "the results");
    }
}
