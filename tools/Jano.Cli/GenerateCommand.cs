using System.Globalization;
using Jano.Runtime;
using Jano.Runtime.Imaging;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;

namespace Jano.Cli;

public sealed class GenerateCommand : ICommand
{
    public string Name => "generate";
    public string Usage => "jano generate PROMPT [--model DIR] [--seed N] [--steps N] [--guidance X] [--count N] [--out PATH] [--scale N] [--negative TEXT] [--size WIDTHxHEIGHT] [--no-binning] [--threads N] [--provider auto|cpu|cuda] [--attention ort|kernel] [--truncate] [--verbose] " + JanoFlags.Usage;
    public IReadOnlySet<string> Switches => new HashSet<string>(JanoFlags.SwitchNames) { "verbose", "truncate", "compare-dense", "no-binning" };

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr)
    {
        var prompt = args.Positional("PROMPT", required: true)!;
        var model = args.String("model");
        var seed = args.Int("seed") ?? 0;
        var steps = args.Int("steps");
        var guidance = args.Double("guidance");
        var count = args.Int("count") ?? 1;
        var output = args.String("out") ?? "jano.png";
        var negative = args.String("negative") ?? "";
        var size = args.String("size") is { } sizeText ? SizeOption.Parse("--size", sizeText, widthFirst: true) : ((int, int)?)null;
        var threads = args.Int("threads") ?? 0;
        var scale = args.Int("scale") ?? 1;
        var attention = args.String("attention") ?? new RuntimeOptions().Attention;
        var provider = args.String("provider") ?? "auto";
        var truncate = args.Switch("truncate");
        var verbose = args.Switch("verbose");
        var compareDense = args.Switch("compare-dense");
        var mapsFolder = args.String("save-maps");
        var janoFlags = JanoFlags.Read(args);
        var binning = !args.Switch("no-binning");
        args.EnsureAllUsed();

        if (count < 1 || count > 1024) throw new UsageException($"--count must be between 1 and 1024, got {count}");
        if (threads < 0) throw new UsageException("--threads must be ≥ 0");
        if (scale < 1 || scale > 64) throw new UsageException($"--scale must be between 1 and 64, got {scale}");
        if (attention is not ("kernel" or "ort")) throw new UsageException($"--attention must be kernel or ort, got '{attention}'");
        var request = new GenerationRequest { Prompt = prompt, NegativePrompt = negative, Seed = seed, Steps = steps, Guidance = guidance, Width = size?.Item1, Height = size?.Item2, ResolutionBinning = binning };
        request.Validate(); // before loading anything: bad input fails fast
        OutputPath.EnsureWritable(output);

        ProviderOption.Validate(provider);
        var options = new RuntimeOptions { Threads = threads, TruncatePrompts = truncate, Attention = attention, Provider = provider };
        using var pipeline = TextToImagePipeline.Open(model ?? DefaultModel.Locate(), options);
        ProviderOption.NoteFallback(pipeline, stderr);
        if (pipeline.ThreadsNote is { } threadsNote) stderr.WriteLine($"note: {threadsNote}");
        var manifest = pipeline.Package.Manifest;
        // The size against the package (whole patches, the position table's limit) before anything runs.
        if (size is not null)
        {
            try { pipeline.GeometryFor(request); }
            catch (ArgumentException e) { throw new UsageException($"--size: {e.Message}"); }
        }
        // The library decides whether the options fit this step count: a package default falls back to
        // dense with a note; options the user asked for fail with the reason.
        request = request with { Jano = janoFlags.Resolve(manifest), FallBackToDense = !janoFlags.Explicit };
        var jano = pipeline.EffectiveJano(request, out var note);
        if (note is not null) stderr.WriteLine($"note: {note}");
        if ((compareDense || mapsFolder is not null) && jano is null)
            throw new UsageException("--compare-dense and --save-maps need Jano (do not pass --dense)");
        request = request with { Jano = jano, FallBackToDense = false };

        var progress = new ProgressBar(stderr, !Console.IsErrorRedirected);
        var images = new List<float[]>();
        var seeds = new List<long>();
        var total = new StepTimings();
        double textMs = 0, wallMs = 0;
        GenerationResult? last = null;
        for (var k = 0; k < count; k++)
        {
            var itemSeed = (long)seed + k;
            var label = count > 1 ? $"seed {itemSeed}" : (jano is null ? "dense" : "jano");
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = pipeline.Generate(request with { Seed = itemSeed }, report =>
            {
                progress.Update(label, report.Step, report.Steps, report.StepMs);
                if (verbose)
                    stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"step {report.Step,3}/{report.Steps}: {report.Tokens,5} tokens, {report.StepMs,8:F2} ms, ONNX Runtime sessions {report.SessionMs,8:F2} ms, attention {report.AttentionMs,7:F2} ms, outside sessions {100 * (1 - report.SessionMs / report.StepMs),5:F1}%"));
            });
            wallMs += System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (k == 0) foreach (var n in result.Notes) stderr.WriteLine($"note: {n}");
            images.Add(result.Image);
            seeds.Add(itemSeed);
            total.Add(result.Timings);
            textMs += result.TextMs;
            last = result;
            if (result.Jano is { } report)
            {
                JanoSummary.Print(stdout, itemSeed, report);
                if (compareDense)
                {
                    var dense = pipeline.Generate(request with { Seed = itemSeed, Jano = null });
                    JanoSummary.PrintComparison(stdout, result, dense);
                }
                if (mapsFolder is not null)
                    JanoMapWriter.Save(Path.Combine(mapsFolder, $"maps-seed{itemSeed}.png"), report, result, pipeline.Engine.Geometry); // the size generated
            }
        }

        var png = ImageWriter.EncodePng(images, last!.Channels, last.Height, last.Width, scale: scale);
        var stepsDone = last.Steps * count;
        var sidecar = new GenerationSidecar
        {
            Prompt = prompt,
            Seeds = seeds,
            Steps = last.Steps,
            Guidance = last.Guidance,
            Sampler = last.Sampler,
            Method = jano is null ? "dense" : "jano",
            Jano = jano,
            Package = pipeline.Package.Folder,
            PackageSha256 = pipeline.Package.ManifestSha256,
            Provider = pipeline.Sessions.Provider,
            Image = Path.GetFileName(output),
            Timings = new SidecarTimings(wallMs, textMs, total.TotalMs, total.TotalMs / stepsDone, total.SessionMs, total.AttentionMs, total.OutsideSessionsShare),
        };
        sidecar.SaveWithImage(output, png); // both or neither
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output} ({count} image{(count > 1 ? "s" : "")}, {(jano is null ? "dense" : "jano")}, {last.Steps} steps, guidance {last.Guidance}, {total.TotalMs / stepsDone:F1} ms/step, {100 * total.OutsideSessionsShare:F1}% of step time outside ONNX Runtime sessions)"));
        return 0;
    }
}
