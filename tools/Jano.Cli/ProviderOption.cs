using Jano.Runtime.Pipeline;

namespace Jano.Cli;

/// <summary>The notes generate and bench print when auto fell back (provider or buffers).</summary>
public static class ProviderOption
{
    /// <summary>One line on stderr when `auto` did not get CUDA, or CUDA did not get GPU buffers, saying why.</summary>
    public static void NoteFallback(TextToImagePipeline pipeline, TextWriter stderr)
    {
        if (pipeline.Sessions.FallbackReason is { } why)
            stderr.WriteLine($"note: using the CPU provider; CUDA is not available ({why})");
        if (pipeline.BuffersFallbackReason is { } reason)
            stderr.WriteLine($"note: the step loop's buffers stay in host memory; GPU buffers are not available ({reason})");
    }
}
