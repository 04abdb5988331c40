using System.CommandLine;
using System.Globalization;
using Jano.Cli.Calibrate;
using Jano.Cli.CommandLine;
using Jano.Runtime.Acceleration;

namespace Jano.Cli;

/// <summary>`jano calibrate`: fit TeaCache's rescaling polynomial on dense runs of a package and store it in the package.</summary>
public static class CalibrateCommand
{
    public static Command Create()
    {
        var model = ModelOption.Create();
        var prompts = Bench.BenchPrompts.Option("--prompts");
        var seeds = CliOptions.Int("--seeds", "Seeds per prompt (0 .. N − 1)", 2, 1, 1000, OptionGroups.Generation);
        var steps = StepList();
        var guidance = CliOptions.OptionalDouble("--guidance", "Guidance scale (default: the package's)", 0, 1000, OptionGroups.Generation);
        var degree = CliOptions.Int("--degree", "Degree of the rescaling polynomial", TeaCacheCalibration.DefaultDegree, 1, 8, OptionGroups.Generation);
        var runtime = new RuntimeFlags(defaultProvider: "cpu");
        var samples = CliOptions.Text("--samples", "Also write every recorded pair (step, steps, input change, output change) to this TSV file", "FILE.tsv", OptionGroups.Output);
        var dryRun = CliOptions.Switch("--dry-run", "Fit and print, but leave the manifest as it is", OptionGroups.Output);
        var command = new Command("calibrate", "Fit TeaCache's rescaling polynomial on dense runs of a package (least squares) and write it into the manifest as acceleration.teaCache")
        {
            model, prompts, seeds, steps, guidance, degree,
        };
        runtime.AddTo(command);
        command.Options.Add(samples);
        command.Options.Add(dryRun);
        CliAction.Set(command, (parse, stdout, stderr) =>
        {
            var r = runtime.Read(parse);
            return CalibrateHandler.Run(new CalibrateSettings
            {
                Package = parse.GetValue(model),
                PromptsFile = parse.GetValue(prompts),
                Seeds = parse.GetValue(seeds),
                Steps = parse.GetValue(steps) ?? [],
                Guidance = parse.GetValue(guidance),
                Degree = parse.GetValue(degree),
                Threads = r.Threads,
                Provider = r.Provider,
                SamplesFile = parse.GetValue(samples),
                DryRun = parse.GetValue(dryRun),
            }, stdout, stderr);
        });
        return command;
    }

    /// <summary>--steps 25,50: the step counts of the dense runs, each 3 .. 10000.</summary>
    private static Option<int[]?> StepList() => new Option<int[]?>("--steps")
    {
        Description = "Step counts of the dense runs, comma-separated (default: the package's) [3–10000 each]",
        HelpName = "N[,N...]",
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
            var parts = text.Split(',');
            var values = new int[parts.Length];
            for (var i = 0; i < parts.Length; i++)
                if (!int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] is < 3 or > 10_000)
                {
                    r.AddError($"--steps must be whole numbers from 3 to 10000 separated by commas (e.g. 25,50), got '{text}'");
                    return null;
                }
            return values;
        },
    }.InGroup(OptionGroups.Generation);
}
