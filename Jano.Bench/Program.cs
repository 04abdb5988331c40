using Jano.Bench;

// Jano.Bench: `attention --package DIR [--threads N] [--repeats N]` compares attention backends;
// the BenchmarkDotNet kernel suites and the end-to-end harness arrive with the benchmark issue.
if (args.Length >= 3 && args[0] == "attention" && args[1] == "--package")
{
    var threads = args.Length >= 5 && args[3] == "--threads" ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount;
    return AttentionComparison.Run(args[2], threads, 21, Console.Out);
}
Console.Error.WriteLine("usage: Jano.Bench attention --package DIR [--threads N]");
return 2;
