using System.Globalization;
using Jano.Bench;
using Jano.Bench.Kernels;

// Jano.Bench instruments (docs/BENCHMARKS.md):
//   kernels [BenchmarkDotNet args]                  kernel micro-benchmarks (e.g. kernels --filter '*Attention*')
//   attention --package DIR [--threads N]          kernel vs ONNX Runtime MultiHeadAttention on a package's shapes
//   step --package DIR [--threads N] [--steps N]    dense step time and allocations per attention backend
//   decoder [--threads N] [--widths 64,128,256,256] [--layers 1] [--sizes 256,512,1024] [--tile 64] [--overlap 16] [--repeats 2]
//                                                   AutoencoderKL decode time and peak memory, untiled and tiled, on a random VAE
//   golden-inputs --package DIR --prompt TEXT [--negative TEXT] [--seed N] [--size WxH] --out FILE
//                                                   test support (tools/golden/gen_init_random_pipeline.py): the caption states
//                                                   and seeded initial noise a generation starts from, as safetensors
//   guard --package DIR [--threads N] [--repeats N]   the non-finite latent guard's cost: step-time medians on and off, interleaved
//   t5 [--layers 2,4] [--tokens 120] [--threads N] [--repeats N] [--dtype float32]
//                                                   T5 encode time at PixArt-α's encoder width (random weights), extrapolated to 24 layers
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
string Text(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
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
    case "golden-inputs" when Package() is { } p:
    {
        var size = Text("--size", "96x64").Split('x');
        return GoldenInputs.Run(p, Text("--prompt", ""), Text("--negative", ""), Option("--seed", 0),
            int.Parse(size[0], CultureInfo.InvariantCulture), int.Parse(size[1], CultureInfo.InvariantCulture), Text("--out", "golden-inputs.safetensors"), Console.Out);
    }
    case "guard" when Package() is { } p:
        return GuardCost.Run(p, threads, Option("--repeats", 20), Console.Out);
    case "t5":
        return T5EncodeTiming.Run(Text("--layers", "2,4").Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray(),
            Option("--tokens", 120), threads, Option("--repeats", 5), Text("--dtype", "float32"), Console.Out);
    default:
        Console.Error.WriteLine("usage: Jano.Bench kernels [BenchmarkDotNet args] | attention|step --package DIR [--threads N] [--steps N] [--repeats N] | decoder [options] | guard --package DIR [--threads N] [--repeats N] | golden-inputs --package DIR --prompt TEXT [--negative TEXT] [--seed N] [--size WxH] --out FILE | t5 [--layers 2,4] [--tokens 120] [--threads N] [--repeats N] [--dtype float32|float16]");
        return 2;
}
