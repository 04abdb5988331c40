using System.Diagnostics;
using Jano.Runtime.Pipeline;

namespace Jano.Cli.Tune;

/// <summary>
/// One generation timed as `jano bench` times it: the caption's K/V is loaded before the clock starts (the
/// engine keeps it while the prompt stays the same, so leaving it in would charge whichever ran first).
/// </summary>
public static class TimedGeneration
{
    public static (GenerationResult Result, double Ms) Run(TextToImagePipeline pipeline, GenerationRequest request)
    {
        var useGuidance = (request.Guidance ?? pipeline.Package.Manifest.Defaults.Guidance) != 1.0;
        pipeline.Engine.SetCaptions(pipeline.EncodePrompt(request.Prompt), useGuidance ? pipeline.EncodePrompt(request.NegativePrompt) : null);
        var start = Stopwatch.GetTimestamp();
        var result = pipeline.Generate(request);
        return (result, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
}
