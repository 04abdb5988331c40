using System.Globalization;

namespace Jano.Cli.Calibrate;

/// <summary>
/// `jano calibrate` on the hand-written parser, until the CLI's System.CommandLine conversion lands
/// (then the options move to that style and this adapter goes).
/// </summary>
public sealed class CalibrateCommand : ICommand
{
    public string Name => "calibrate";
    public string Usage => "jano calibrate [--model DIR] [--prompts FILE] [--seeds N=2] [--steps N[,N...]] [--degree N=4] [--guidance X] [--threads N] [--provider auto|cpu|cuda] [--samples FILE.tsv] [--dry-run]";
    public IReadOnlySet<string> Switches => new HashSet<string> { "dry-run" };

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr)
    {
        var settings = new CalibrateSettings
        {
            Package = args.String("model"),
            PromptsFile = args.String("prompts"),
            Seeds = args.Int("seeds") ?? 2,
            Steps = args.String("steps") is { } steps ? StepList(steps) : [],
            Degree = args.Int("degree") ?? Jano.Runtime.Acceleration.TeaCacheCalibration.DefaultDegree,
            Guidance = args.Double("guidance"),
            Threads = args.Int("threads") ?? 0,
            Provider = args.String("provider") ?? "cpu",
            SamplesFile = args.String("samples"),
            DryRun = args.Switch("dry-run"),
        };
        args.EnsureAllUsed();
        return CalibrateHandler.Run(settings, stdout, stderr);
    }

    private static int[] StepList(string text) => text.Split(',').Select(p =>
        int.TryParse(p.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
            : throw new UsageException($"--steps takes whole numbers separated by commas (e.g. 25,50), got '{text}'")).ToArray();
}
