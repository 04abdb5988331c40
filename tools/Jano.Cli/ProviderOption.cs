using Jano.Runtime.Pipeline;

namespace Jano.Cli;

/// <summary>`--provider auto|cpu|cuda` as generate and bench take it, and the notes they print when auto fell back (provider or buffers).</summary>
public static class ProviderOption
{
    public static void Validate(string provider)
    {
        if (provider is not ("auto" or "cpu" or "cuda")) throw new UsageException($"--provider must be auto, cpu or cuda, got '{provider}'");
    }

    /// <summary>One line on stderr when `auto` did not get CUDA, or CUDA did not get GPU buffers, saying why.</summary>
    public static void NoteFallback(TextToImagePipeline pipeline, TextWriter stderr)
    {
        if (pipeline.Sessions.FallbackReason is { } why)
            stderr.WriteLine($"note: using the CPU provider; CUDA is not available ({why})");
        if (pipeline.BuffersFallbackReason is { } reason)
            stderr.WriteLine($"note: the step loop's buffers stay in host memory; GPU buffers are not available ({reason})");
    }
}
