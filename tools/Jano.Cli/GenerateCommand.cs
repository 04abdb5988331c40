using Jano.Core.Acceleration;
using System.CommandLine;
using System.Globalization;
using Jano.Cli.CommandLine;
using Jano.Runtime;
using Jano.Runtime.Imaging;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;

namespace Jano.Cli;

/// <summary>`jano generate PROMPT`: one image (or --count images side by side) and its JSON sidecar, written as one unit.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var prompt = new Argument<string>("PROMPT") { Description = "What the image shows (quote it; a prompt starting with '-' goes after --)" };
        var model = ModelOption.Create();
        var seed = CliOptions.Long("--seed", "Seed of the initial noise (--count N uses N seeds from this one)", 0, 0, long.MaxValue - 1024, OptionGroups.Generation);
        var steps = CliOptions.OptionalInt("--steps", "Denoising steps (default: the package's)", 1, 10_000, OptionGroups.Generation);
        var guidance = CliOptions.OptionalDouble("--guidance", "Guidance scale: classifier-free, or FLUX.1-dev's embedded guidance (default: the package's)", 0, 1000, OptionGroups.Generation);
        var trueCfg = CliOptions.OptionalDouble("--true-cfg", "FLUX true CFG scale with --negative: above 1 the prompt and the negative prompt run as two branches (default: the package's, usually 1 = one branch)", 1, 1000, OptionGroups.Generation);
        var negative = CliOptions.FreeText("--negative", "Negative prompt (guidance pushes away from it)", "TEXT", OptionGroups.Generation);
        var size = CliOptions.Size("--size", "Image size in pixels, width x height (default: the package's)", "WIDTHxHEIGHT", OptionGroups.Generation);
        var noBinning = CliOptions.Switch("--no-binning", "Generate the size asked even where PixArt would snap it to an aspect-ratio bin", OptionGroups.Generation);
        var count = CliOptions.Int("--count", "Images to generate, side by side in one PNG", 1, 1, 1024, OptionGroups.Generation);
        var method = CliOptions.Text("--method", $"Accelerator, optionally with parameters, e.g. fora:interval=2 ({string.Join(", ", Jano.Runtime.Acceleration.AccelerationMethods.Names)}; docs/ACCELERATORS.md); default: Jano with the package's default preset (or the method of a tuned --jano-preset)", "NAME[:k=v;...]", OptionGroups.Jano);
        var jano = new JanoFlags();
        var saveMaps = CliOptions.Text("--save-maps", "Write Jano's score and level maps as PNGs into this folder", "DIR", OptionGroups.Jano);
        var compareDense = CliOptions.Switch("--compare-dense", "Also generate dense and print PSNR/SSIM and the measured speed-up", OptionGroups.Jano);
        var runtime = new RuntimeFlags(defaultProvider: "auto");
        var truncate = CliOptions.Switch("--truncate", "Cut prompts longer than the text encoder takes instead of refusing them", OptionGroups.Runtime);
        var verbose = CliOptions.Switch("--verbose", "One line per step: tokens computed, time, time in ONNX Runtime sessions", OptionGroups.Runtime);
        var output = CliOptions.Text("--out", "The PNG to write (its JSON sidecar goes beside it)", "FILE.png", OptionGroups.Output, "jano.png");
        var scale = CliOptions.Int("--scale", "Upscale the PNG by this factor (nearest neighbour)", 1, 1, 64, OptionGroups.Output);

        var command = new Command("generate", "Generate an image from a text prompt with the shipped default model or a package") { prompt, model, seed, steps, guidance, trueCfg, negative, size, noBinning, count };
        command.Options.Add(method);
        jano.AddTo(command);
        command.Options.Add(saveMaps);
        command.Options.Add(compareDense);
        runtime.AddTo(command);
        foreach (var o in new Option[] { truncate, verbose, output, scale }) command.Options.Add(o);
        CliAction.Set(command, (parse, stdout, stderr) => Run(new Settings
        {
            Prompt = parse.GetValue(prompt)!,
            Model = parse.GetValue(model),
            Seed = parse.GetValue(seed),
            Steps = parse.GetValue(steps),
            Guidance = parse.GetValue(guidance),
            TrueCfg = parse.GetValue(trueCfg),
            Negative = parse.GetValue(negative) ?? "",
            Size = parse.GetValue(size),
            Binning = !parse.GetValue(noBinning),
            Count = parse.GetValue(count),
            Method = parse.GetValue(method),
            Jano = jano.Read(parse),
            MapsFolder = parse.GetValue(saveMaps),
            CompareDense = parse.GetValue(compareDense),
            Runtime = runtime.Read(parse),
            Truncate = parse.GetValue(truncate),
            Verbose = parse.GetValue(verbose),
            Output = parse.GetValue(output)!,
            Scale = parse.GetValue(scale),
        }, stdout, stderr));
        return command;
    }

    public sealed record Settings
    {
        public required string Prompt { get; init; }
        public string? Model { get; init; }
        public long Seed { get; init; }
        public int? Steps { get; init; }
        public double? Guidance { get; init; }
        public double? TrueCfg { get; init; }
        public string Negative { get; init; } = "";
        public (int Width, int Height)? Size { get; init; }
        public bool Binning { get; init; } = true;
        public int Count { get; init; } = 1;
        /// <summary>NAME[:key=value;...] (<see cref="MethodSpec"/>); null: Jano or dense as the flags and the package say.</summary>
        public string? Method { get; init; }
        public required JanoFlags.Values Jano { get; init; }
        public string? MapsFolder { get; init; }
        public bool CompareDense { get; init; }
        public required RuntimeFlags.Values Runtime { get; init; }
        public bool Truncate { get; init; }
        public bool Verbose { get; init; }
        public string Output { get; init; } = "jano.png";
        public int Scale { get; init; } = 1;
    }

    public static int Run(Settings s, TextWriter stdout, TextWriter stderr)
    {
        var (prompt, model, seed, steps, guidance, count, output, negative, size, scale) = (s.Prompt, s.Model, s.Seed, s.Steps, s.Guidance, s.Count, s.Output, s.Negative, s.Size, s.Scale);
        var (truncate, verbose, compareDense, mapsFolder, janoFlags, binning) = (s.Truncate, s.Verbose, s.CompareDense, s.MapsFolder, s.Jano, s.Binning);
        var request = new GenerationRequest { Prompt = prompt, NegativePrompt = negative, Seed = seed, Steps = steps, Guidance = guidance, TrueCfg = s.TrueCfg, Width = size?.Width, Height = size?.Height, ResolutionBinning = binning };
        request.Validate(); // before loading anything: bad input fails fast
        OutputPath.EnsureWritable(output);

        var options = s.Runtime.Options() with { TruncatePrompts = truncate };
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
        var method = GenerateMethod.Resolve(s.Method, janoFlags, manifest);
        JanoOptions? jano = null;
        if (method is null || method.UsesJano)
        {
            // --method jano… asks for Jano as --jano does: the reference preset where the package has no default, no silent fallback.
            var asked = janoFlags.Explicit || s.Method is not null;
            var janoOptions = janoFlags.Resolve(manifest) ?? (asked ? (janoFlags with { Jano = true }).Resolve(manifest) : null);
            request = request with { Jano = janoOptions, FallBackToDense = !asked };
            jano = pipeline.EffectiveJano(request, out var note);
            if (note is not null) stderr.WriteLine($"note: {note}");
            if (jano is null) method = null; // a package default that cannot act here falls back to dense
        }
        if (mapsFolder is not null && jano is null)
            throw new UsageException("--save-maps needs Jano (a Jano-family method; do not pass --dense)");
        if (compareDense && jano is null && method is null)
            throw new UsageException("--compare-dense needs an accelerator (Jano or --method; do not pass --dense)");
        request = request with { Jano = jano, FallBackToDense = false, Method = method };
        var methodName = method?.Name ?? (jano is null ? "dense" : "jano");

        var progress = CliProgress.For(stderr, "generate", "steps");
        var images = new List<float[]>();
        var seeds = new List<long>();
        var total = new StepTimings();
        double textMs = 0, wallMs = 0;
        GenerationResult? last = null;
        for (var k = 0; k < count; k++)
        {
            var itemSeed = (long)seed + k;
            var label = count > 1 ? $"seed {itemSeed}" : methodName;
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = pipeline.Generate(request with { Seed = itemSeed }, report =>
            {
                progress.Report(k * report.Steps + report.Step, count * report.Steps, string.Create(CultureInfo.InvariantCulture, $"{label}, {report.StepMs:F1} ms/step"));
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
                if (mapsFolder is not null)
                    JanoMapWriter.Save(Path.Combine(mapsFolder, $"maps-seed{itemSeed}.png"), report, result, pipeline.Engine.Geometry); // the size generated
            }
            if (result.Acceleration is { } acceleration && result.Jano is null) JanoSummary.PrintMethod(stdout, itemSeed, acceleration);
            if (compareDense)
            {
                var dense = pipeline.Generate(request with { Seed = itemSeed, Jano = null, Method = null });
                JanoSummary.PrintComparison(stdout, result, dense);
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
            TrueCfg = last.TrueCfg,
            Sampler = last.Sampler,
            Method = methodName,
            MethodParameters = last.Acceleration?.Parameters,
            IdealSpeedup = last.Acceleration?.IdealSpeedup,
            Jano = jano,
            Package = pipeline.Package.Folder,
            PackageSha256 = pipeline.Package.ManifestSha256,
            Provider = pipeline.Sessions.Provider,
            Image = Path.GetFileName(output),
            Timings = new SidecarTimings(wallMs, textMs, total.TotalMs, total.TotalMs / stepsDone, total.SessionMs, total.AttentionMs, total.OutsideSessionsShare),
        };
        sidecar.SaveWithImage(output, png); // both or neither
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output} ({count} image{(count > 1 ? "s" : "")}, {methodName}, {last.Steps} steps, guidance {last.Guidance}, {total.TotalMs / stepsDone:F1} ms/step, {100 * total.OutsideSessionsShare:F1}% of step time outside ONNX Runtime sessions)"));
        return 0;
    }
}
