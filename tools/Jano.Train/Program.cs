using Jano.Train.Commands;

// jano-train: trains the default model (see README.md). One subcommand per job.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: jano-train train|bench|yardstick|plot-loss|dump-fixture [options]   (see tools/Jano.Train/README.md)");
    return 2;
}
try
{
    return args[0] switch
    {
        "train" => TrainCommand.Run(args[1..]),
        "bench" => BenchCommand.Run(args[1..]),
        "yardstick" => YardstickCommand.Run(args[1..]),
        "plot-loss" => PlotLossCommand.Run(args[1..]),
        "dump-fixture" => DumpFixtureCommand.Run(args[1..]),
        _ => throw new ArgumentException($"unknown command '{args[0]}'"),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
