using Jano.Device;

// jano-device: what the GPU machine runs (tools/device/README.md). One subcommand per check.
//   tests [--match REGEX]                               NUnit tests whose full name matches (default: CUDA ones)
//   step --package DIR [--provider cuda] [--buffers auto|device|host] [--attention ort|kernel] [--steps N]
//                                                      dense denoising step time of a package
//   attention --package DIR [--repeats N]               our CUDA attention kernel against ONNX Runtime's MultiHeadAttention
//   jano ARGS...                                        the jano CLI (init-random, export, bench, ...)
try
{
    return args.FirstOrDefault() switch
    {
        "tests" => DeviceTests.Run(args[1..], Console.Out),
        "step" => DenseStepTime.Run(args[1..], Console.Out),
        "attention" => CudaAttentionComparison.Run(args[1..], Console.Out),
        "jano" => Jano.Cli.CliApp.Run(args[1..], Console.Out, Console.Error),
        _ => Usage(),
    };
}
catch (Exception e) when (e is Jano.Cli.UsageException or ArgumentException or InvalidOperationException or NotSupportedException or IOException)
{
    // One line, as the jano CLI does: the report quotes it (e.g. the CUDA provider that did not load).
    Console.Error.WriteLine($"jano-device: {e.Message}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: jano-device tests|step|attention|jano [options]   (tools/device/README.md)");
    return 2;
}
