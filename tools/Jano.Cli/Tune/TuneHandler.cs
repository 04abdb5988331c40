using System.Globalization;
using Jano.Cli.Bench;
using Jano.Cli.CommandLine;
using Jano.Core.Acceleration;
using Jano.Core.Packages;
using Jano.Runtime;
using Jano.Runtime.Acceleration;
using Jano.Runtime.Pipeline;

namespace Jano.Cli.Tune;

/// <summary>
/// `jano tune --target-psnr X`: successive halving over Jano-family settings (<see cref="TuneSpace"/>,
/// <see cref="SuccessiveHalving"/>) for the largest ideal speed-up whose mean PSNR against dense on
/// prompts × calibration seeds is at least X; the winner is written into the package as a named preset
/// (its Jano options under janoPresets, its method and measurements under acceleration.presets, one
/// atomic manifest edit) and compared with the package's default preset on held-out seeds.
/// </summary>
public static class TuneHandler
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(TuneSettings settings, TextWriter stdout, TextWriter stderr)
    {
        if (settings.Problem() is { } problem)
        {
            stderr.WriteLine($"jano tune: {problem}");
            return 2;
        }
        try
        {
            return Tune(settings, stdout, stderr);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"jano tune: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            stderr.WriteLine($"jano tune: {e.Message}");
            return 1;
        }
    }

    private static int Tune(TuneSettings s, TextWriter stdout, TextWriter stderr)
    {
        var promptLines = BenchPrompts.Load(s.PromptsFile);
        var prompts = promptLines.Select(p => p.Text).ToList();
        var folder = s.Package ?? DefaultModel.Locate();
        using var pipeline = TextToImagePipeline.Open(folder, new RuntimeOptions { Threads = s.Threads, Provider = s.Provider });
        ProviderOption.NoteFallback(pipeline, stderr);
        BenchPrompts.CheckAll(pipeline, promptLines, s.PromptsFile);
        var m = pipeline.Package.Manifest;
        var steps = s.Steps ?? m.Defaults.Steps;
        new GenerationRequest { Prompt = prompts[0], Steps = steps, Guidance = s.Guidance }.Validate();
        var presets = m.JanoPresets ?? JanoPresets.For(m.Geometry.Height, m.Geometry.Width).ToDictionary(p => p.Key, p => p.Value);
        var shippedName = m.DefaultJanoPreset ?? JanoPresets.Reference;
        var shipped = presets.GetValueOrDefault(shippedName) ?? throw new UsageException($"the package has no preset '{shippedName}' to start from");
        if (s.Method == AccelerationMethods.JanoTeaCache && m.Acceleration?.TeaCache is null)
            throw new UsageException("--method jano+teacache: the package has no acceleration.teaCache calibration; run `jano calibrate` on it first");
        if (presets.ContainsKey(s.Name) && m.Acceleration?.Presets?.ContainsKey(s.Name) != true)
            throw new UsageException($"--name {s.Name}: the package has a preset of that name that tune did not write; choose another name");

        var candidates = TuneSpace.Sample(s.Method, presets.Where(p => m.Acceleration?.Presets?.ContainsKey(p.Key) != true).ToDictionary(), shipped, steps,
            m.Geometry.Height, m.Geometry.Width, s.Candidates);
        var calibration = Items(prompts, 0, s.CalibrationSeeds);
        var heldOut = Items(prompts, s.CalibrationSeeds, s.HeldOutSeeds);
        stderr.WriteLine(string.Create(Inv, $"tune {s.Method} for mean PSNR ≥ {s.TargetPsnr} dB at {steps} steps: {candidates.Count} candidates from a grid of {TuneSpace.GridSize(s.Method)}, {calibration.Count} calibration images, {heldOut.Count} held out"));
        var denseProgress = CliProgress.For(stderr, "tune: dense", "images");
        var evaluator = new PipelineTuneEvaluator(pipeline, calibration, steps, s.Guidance, (d, t) => denseProgress.Report(d, t));
        var search = new SuccessiveHalving(evaluator, s.TargetPsnr, s.Eta);
        var outcome = search.Run(candidates, line => stderr.WriteLine(line));

        PrintSearch(stdout, s, search, outcome);
        if (outcome.Best is not { } best)
        {
            var closest = outcome.Entries.Where(e => e.Scores.Count == calibration.Count).MaxBy(e => e.MeanPsnr)!;
            stderr.WriteLine(string.Create(Inv, $"jano tune: no candidate reached a mean PSNR of {s.TargetPsnr} dB on the calibration images; the closest was {closest.Candidate.Label} at {closest.MeanPsnr:F2} dB; nothing written (lower --target-psnr, or tune more steps)"));
            return 1;
        }

        List<HeldOutComparison.Result>? held = null;
        if (heldOut.Count > 0)
        {
            var progress = CliProgress.For(stderr, "tune: held out", "images");
            var contenders = new List<(string, TuneCandidate)> { ($"{s.Name} ({best.Candidate.Label})", best.Candidate) };
            try
            {
                shipped.Validate(steps, m.Geometry.Height, m.Geometry.Width);
                contenders.Add(($"{shippedName} (jano, the package default)", new TuneCandidate(AccelerationMethods.Parse(AccelerationMethods.Jano), shipped)));
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"note: the package's preset {shippedName} cannot run at {steps} steps ({e.Message}); the held-out seeds show the tuned preset alone");
            }
            held = HeldOutComparison.Run(pipeline, heldOut, steps, s.Guidance, contenders, (d, t) => progress.Report(d, t));
            PrintHeldOut(stdout, s, held, heldOut.Count);
        }

        var tuned = new TunedPreset
        {
            Method = best.Candidate.Method.Name,
            Parameters = best.Candidate.Method.Parameters.Where(p => p.Key != "coefficients").ToDictionary(),
            TargetPsnr = s.TargetPsnr,
            Steps = steps,
            CalibrationPsnr = Math.Round(best.MeanPsnr, 3),
            CalibrationSpeedup = Math.Round(outcome.BestSpeedup, 3),
            IdealSpeedup = Math.Round(best.IdealSpeedup, 3),
            HeldOutPsnr = held is null ? null : Math.Round(held[0].PsnrMean, 3),
            HeldOutSpeedup = held is null ? null : Math.Round(held[0].Speedup, 3),
            Evaluations = outcome.Evaluations,
            ExhaustiveEvaluations = outcome.ExhaustiveEvaluations,
        };
        if (s.DryRun)
        {
            stdout.WriteLine("dry run: the manifest is unchanged");
            return 0;
        }
        ManifestEditor.SetTunedPreset(folder, s.Name, best.Candidate.Jano, tuned);
        stdout.WriteLine($"wrote preset '{s.Name}' into {Path.Combine(folder, ModelManifest.FileName)} (janoPresets.{s.Name}, acceleration.presets.{s.Name}); use it with --jano-preset {s.Name}");
        return 0;
    }

    /// <summary>Seed-major (every prompt at the first seed, then the next seed), so a rung's first images span the prompts.</summary>
    public static List<BenchItem> Items(IReadOnlyList<string> prompts, int firstSeed, int seeds) =>
        [.. from seed in Enumerable.Range(firstSeed, seeds) from p in prompts select new BenchItem(p, seed)];

    private static void PrintSearch(TextWriter stdout, TuneSettings s, SuccessiveHalving search, SuccessiveHalving.Outcome o)
    {
        stdout.WriteLine(string.Create(Inv, $"search: successive halving (η = {s.Eta}), rungs of {string.Join(" → ", o.RungItems)} images; {o.Evaluations} images generated, against {o.ExhaustiveEvaluations} to evaluate the same {o.Entries.Count} candidates on every image and {TuneSpace.GridSize(s.Method) * o.RungItems[^1]} for the whole grid"));
        stdout.WriteLine();
        stdout.WriteLine("| candidate | rung | images | mean PSNR dB | ideal speed-up | measured speed-up (finalists, beside dense) |");
        stdout.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var e in o.Entries.OrderByDescending(e => e.Rung).ThenByDescending(e => e.MeanPsnr >= s.TargetPsnr).ThenByDescending(e => e.IdealSpeedup).Take(12))
            stdout.WriteLine(string.Create(Inv, $"| {e.Candidate.Label}{(e == o.Best ? " **(chosen)**" : "")} | {e.Rung + 1} | {e.Scores.Count} | {e.MeanPsnr:F2} | {e.IdealSpeedup:F2}x | {(o.MeasuredSpeedups.TryGetValue(e, out var measured) ? measured.ToString("F2", Inv) + "x" : "–")} |"));
        stdout.WriteLine();
        if (o.Best is { } b)
            stdout.WriteLine(string.Create(Inv, $"chosen: {b.Candidate.Label}: mean PSNR {b.MeanPsnr:F2} dB ≥ {search.Bar(b):F2} (the target {s.TargetPsnr} + 2 standard errors of the mean) on {b.Scores.Count} calibration images, measured speed-up {o.BestSpeedup:F2}x (ideal {b.IdealSpeedup:F2}x)"));
    }

    private static void PrintHeldOut(TextWriter stdout, TuneSettings s, List<HeldOutComparison.Result> held, int images)
    {
        stdout.WriteLine();
        stdout.WriteLine($"held out ({images} images, seeds {s.CalibrationSeeds} to {s.CalibrationSeeds + s.HeldOutSeeds - 1}):");
        stdout.WriteLine();
        stdout.WriteLine("| preset | mean PSNR dB (min) | measured speed-up | ideal speed-up |");
        stdout.WriteLine("|---|---:|---:|---:|");
        foreach (var r in held)
            stdout.WriteLine(string.Create(Inv, $"| {r.Label} | {r.PsnrMean:F2} ({r.PsnrMin:F2}) | {r.Speedup:F2}x | {r.IdealSpeedup:F2}x |"));
        var t = held[0];
        stdout.WriteLine(string.Create(Inv, $"target {s.TargetPsnr} dB: held-out mean {t.PsnrMean:F2} dB ({(t.PsnrMean >= s.TargetPsnr ? "above" : t.PsnrMean >= s.TargetPsnr - 0.7 ? "within 0.7 dB" : "more than 0.7 dB below")})"));
    }
}
