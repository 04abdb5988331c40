using System.Globalization;
using Jano.Bench;
using Jano.Bench.Kernels;

// Jano.Bench instruments (docs/BENCHMARKS.md):
//   kernels [BenchmarkDotNet args]                  kernel micro-benchmarks (e.g. kernels --filter '*Attention*')
//   attention --package DIR [--threads N]          kernel vs ONNX Runtime MultiHeadAttention on a package's shapes
//   step --package DIR [--threads N] [--steps N]    dense step time and allocations per attention backend
//   decoder [--threads N] [--widths 64,128,256,256] [--layers 1] [--sizes 256,512,1024] [--tile 64] [--overlap 16] [--repeats 2]
//                                                   AutoencoderKL decode time and peak memory, untiled and tiled, on a random VAE
// The end-to-end comparison of dense and Jano is `jano bench` (tools/Jano.Cli).
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
    case "kernels":
        return KernelSuites.Run(args[1..], Console.Out);
    case "attention" when Package() is { } p:
        return AttentionComparison.Run(p, threads, 21, Console.Out);
    case "step" when Package() is { } p:
        return StepProfile.Run(p, threads, Option("--steps", 10), Option("--repeats", 5), Console.Out);
    case "decoder":
        return DecoderBench.Run(args, threads, Console.Out);
    case "decoder-case": // one measurement in a fresh process, started by "decoder"
        return DecoderBench.RunCase(args, Console.Out);
    default:
        Console.Error.WriteLine("usage: Jano.Bench kernels [BenchmarkDotNet args] | attention|step --package DIR [--threads N] [--steps N] [--repeats N] | decoder [options]");
        return 2;
}
