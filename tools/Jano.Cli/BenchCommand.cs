using Jano.Core.Acceleration;
using System.Globalization;
using Jano.Cli.Bench;
using Jano.Runtime;
using Jano.Core.Packages;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;

namespace Jano.Cli;

/// <summary>
/// `jano bench`: dense against Jano on one package over a prompt × seed set, in one process, runs
/// interleaved after warm-up (docs/BENCHMARKS.md). Prints the method table and writes
/// bench.md, bench.json and bench.png into --out.
/// </summary>
public sealed class BenchCommand : ICommand
{
    public const string ReportName = "bench.md";
    public const string JsonName = "bench.json";
    public const string PlotName = "bench.png";

    public string Name => "bench";
    public string Usage => "jano bench [--package DIR] [--prompts-file FILE] [--seeds N=2] [--steps N] [--guidance X] [--warmup-runs N=1] [--repeats N=3] [--threads N] [--attention ort|kernel] [--provider auto|cpu|cuda] [--forced-active X [--forced-medium Y]] [--out DIR=bench-results] [--summary FILE.tsv] [Jano flags as for generate: --jano-preset NAME, --warmup N, ...]";
    public IReadOnlySet<string> Switches => JanoFlags.SwitchNames;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr)
    {
        var package = args.String("package");
        if (args.String("model") is { } model)
            package = package is null ? model : throw new UsageException("give the package once: --package or --model, not both");
        var promptsFile = args.String("prompts-file");
        var seeds = args.Int("seeds") ?? 2;
        var steps = args.Int("steps");
        var guidance = args.Double("guidance");
        var warmupRuns = args.Int("warmup-runs") ?? 1;
        var repeats = args.Int("repeats") ?? 3;
        var threads = args.Int("threads") ?? 0;
        var attention = args.String("attention") ?? new RuntimeOptions().Attention;
        var provider = args.String("provider") ?? "cpu";
        var forcedActive = args.Double("forced-active");
        var forcedMedium = args.Double("forced-medium");
        var output = args.String("out") ?? "bench-results";
        var summary = args.String("summary");
        if (args.Switch("dense")) throw new UsageException("jano bench always runs dense and Jano; drop --dense");
        var janoFlags = JanoFlags.Read(args);
        args.EnsureAllUsed();

        if (seeds is < 1 or > 1000) throw new UsageException($"--seeds must be between 1 and 1000, got {seeds}");
        if (repeats is < 1 or > 1000) throw new UsageException($"--repeats must be between 1 and 1000, got {repeats}");
        if (warmupRuns is < 0 or > 1000) throw new UsageException($"--warmup-runs must be between 0 and 1000, got {warmupRuns}");
        if (threads < 0) throw new UsageException("--threads must be ≥ 0");
        if (attention is not ("kernel" or "ort")) throw new UsageException($"--attention must be kernel or ort, got '{attention}'");
        ProviderOption.Validate(provider);
        var forced = Forced(forcedActive, forcedMedium);
        var prompts = promptsFile is null ? BenchPrompts.Default : BenchPrompts.FromFile(promptsFile);
        new GenerationRequest { Prompt = prompts[0], Steps = steps, Guidance = guidance }.Validate(); // fail before loading anything
        PrepareOutput(output);
        if (summary is not null) // before the benchmark runs, not after
        {
            if (Directory.Exists(summary)) throw new IOException($"{summary}: --summary names a folder; give a .tsv file to append to");
            OutputPath.EnsureFolderWritable(Path.GetDirectoryName(Path.GetFullPath(summary))!, summary, "the summary");
        }

        using var pipeline = TextToImagePipeline.Open(package ?? DefaultModel.Locate(), new RuntimeOptions { Threads = threads, Attention = attention, Provider = provider });
        ProviderOption.NoteFallback(pipeline, stderr);
        var manifest = pipeline.Package.Manifest;
        var jano = janoFlags.Resolve(manifest) ?? ReferencePreset(manifest);
        jano.Validate(steps ?? manifest.Defaults.Steps, manifest.Geometry.Height, manifest.Geometry.Width);
        var settings = new BenchSettings
        {
            Items = BenchItem.Cross(prompts, seeds),
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
        var report = BenchSummary.Create(measurements, settings, pipeline.Package, MachineInfo.Current(), DateTimeOffset.UtcNow);
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
