using System.CommandLine;
using Jano.Cli.CommandLine;
using Jano.Cli.Tune;
using Jano.Core.Packages;

namespace Jano.Cli;

/// <summary>`jano tune --target-psnr X`: search Jano-family settings for the fastest that keeps a mean PSNR, and store it as a preset.</summary>
public static class TuneCommand
{
    public static Command Create()
    {
        var model = ModelOption.Create();
        var prompts = Bench.BenchPrompts.Option("--prompts");
        var target = new Option<double>("--target-psnr")
        {
            Description = "Mean PSNR against dense (dB) the preset must reach on the calibration images [> 0 and ≤ 100]",
            HelpName = "X",
            Required = true,
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
                if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v is > 0 and <= 100) return v;
                r.AddError($"--target-psnr must be a number of dB above 0 and at most 100, got '{text}'");
                return 0;
            },
        }.InGroup(OptionGroups.Benchmark);
        var method = CliOptions.Choice("--method", "The Jano-family method whose settings are searched", "jano+taylor", TunedPreset.Methods, OptionGroups.Benchmark);
        var calibrationSeeds = CliOptions.Int("--calibration-seeds", "Seeds per prompt the search runs on (0 .. N − 1)", 2, 1, 1000, OptionGroups.Benchmark);
        var heldOutSeeds = CliOptions.Int("--heldout-seeds", "Seeds per prompt after those, only reported (0: none)", 2, 0, 1000, OptionGroups.Benchmark);
        var candidates = CliOptions.Int("--candidates", "Grid points the search starts from (the package's presets among them)", 27, 1, 10_000, OptionGroups.Benchmark);
        var eta = CliOptions.Int("--eta", "Successive halving keeps 1/η of the candidates per rung and gives them η times the images", 3, 2, 10, OptionGroups.Benchmark);
        var steps = CliOptions.OptionalInt("--steps", "Denoising steps (default: the package's)", 1, 10_000, OptionGroups.Generation);
        var guidance = CliOptions.OptionalDouble("--guidance", "Guidance scale (default: the package's)", 0, 1000, OptionGroups.Generation);
        var runtime = new RuntimeFlags(defaultProvider: "cpu");
        var name = CliOptions.Text("--name", "The preset's name (default: psnr and the target, e.g. psnr32)", "NAME", OptionGroups.Output);
        var dryRun = CliOptions.Switch("--dry-run", "Search and report, but leave the manifest as it is", OptionGroups.Output);
        var command = new Command("tune", "Search Jano-family settings (thresholds, intervals, warm-up; the hybrid's knob) by successive halving for the largest ideal (FLOP) speed-up at a mean PSNR ≥ --target-psnr; write it into the package as a named preset")
        {
            model, prompts, target, method, calibrationSeeds, heldOutSeeds, candidates, eta, steps, guidance,
        };
        runtime.AddTo(command);
        command.Options.Add(name);
        command.Options.Add(dryRun);
        CliAction.Set(command, (parse, stdout, stderr) =>
        {
            var r = runtime.Read(parse);
            return TuneHandler.Run(new TuneSettings
            {
                Package = parse.GetValue(model),
                PromptsFile = parse.GetValue(prompts),
                TargetPsnr = parse.GetValue(target),
                Method = parse.GetValue(method)!,
                CalibrationSeeds = parse.GetValue(calibrationSeeds),
                HeldOutSeeds = parse.GetValue(heldOutSeeds),
                Candidates = parse.GetValue(candidates),
                Eta = parse.GetValue(eta),
                Steps = parse.GetValue(steps),
                Guidance = parse.GetValue(guidance),
                PresetName = parse.GetValue(name),
                Threads = r.Threads,
                Provider = r.Provider,
                DryRun = parse.GetValue(dryRun),
            }, stdout, stderr);
        });
        return command;
    }
}
