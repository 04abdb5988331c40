using System.Globalization;
using Jano.Bench;

// Jano.Bench quick instruments (the BenchmarkDotNet suites and `jano bench` arrive with the benchmark issue):
//   attention --package DIR [--threads N]          kernel vs ONNX Runtime MultiHeadAttention
//   step --package DIR [--threads N] [--steps N]    dense step time and allocations per attention backend
int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
string? Package()
{
    var i = Array.IndexOf(args, "--package");
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
var threads = Option("--threads", Environment.ProcessorCount);
switch (args.FirstOrDefault())
{
    case "attention" when Package() is { } p:
        return AttentionComparison.Run(p, threads, 21, Console.Out);
    case "step" when Package() is { } p:
        return StepProfile.Run(p, threads, Option("--steps", 10), Option("--repeats", 5), Console.Out);
    default:
        Console.Error.WriteLine("usage: Jano.Bench attention|step --package DIR [--threads N] [--steps N] [--repeats N]");
        return 2;
}
