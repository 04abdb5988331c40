using Jano.Runtime.Engine;
using System.Diagnostics;
using System.Globalization;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;

namespace Jano.Cli.Bench;

/// <summary>
/// Runs the methods over the item set in one process on one pipeline (same sessions, same caches):
/// warm-up first, then every item with every method back to back, repeated. The order of the methods
/// alternates from one item to the next (dense, jano, jano, dense, …) so that neither always runs
/// right after the other: drift in machine load and cache state falls on both alike.
/// </summary>
public sealed class BenchRunner(TextToImagePipeline pipeline, BenchSettings settings, TextWriter log)
{
    public const string Dense = "dense";
    public const string Jano = "jano";

    public static readonly IReadOnlyList<string> Methods = [Dense, Jano];

    private readonly TokenMask? _forcedMask = settings.Forced?.Mask(pipeline.Package.Manifest.Geometry.Tokens);

    public BenchMeasurements Run()
    {
        var measurements = new BenchMeasurements();
        var items = settings.Items;
        for (var w = 0; w < settings.WarmupRuns; w++)
            foreach (var method in Methods)
            {
                var item = items[w % items.Count];
                var wallMs = Time(method, item, out _);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up {w + 1}/{settings.WarmupRuns}: {method}, {wallMs:F0} ms"));
            }

        var total = settings.Repeats * items.Count * Methods.Count;
        var done = 0;
        for (var r = 0; r < settings.Repeats; r++)
            for (var i = 0; i < items.Count; i++)
            {
                var order = (r * items.Count + i) % 2 == 0 ? Methods : Methods.Reverse();
                foreach (var method in order)
                {
                    var item = items[i];
                    var wallMs = Time(method, item, out var result);
                    var attentionInSessions = pipeline.Options.Attention == "ort";
                    measurements.Runs.Add(new BenchRun(method, item, r, wallMs, TimeBreakdown.Of(result, wallMs, attentionInSessions), result.Jano));
                    measurements.KeepImage(method, item, result);
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"[{++done}/{total}] {method,-5} '{item.Prompt}' seed {item.Seed}: {wallMs:F0} ms"));
                }
            }
        return measurements;
    }

    private double Time(string method, BenchItem item, out GenerationResult result)
    {
        var request = new GenerationRequest
        {
            Prompt = item.Prompt,
            Seed = item.Seed,
            Steps = settings.Steps,
            Guidance = settings.Guidance,
            Jano = method == Jano ? settings.Jano : null,
            ForcedMask = method == Jano ? _forcedMask : null,
        };
        LoadCaption(item.Prompt, request.NegativePrompt);
        var start = Stopwatch.GetTimestamp();
        result = pipeline.Generate(request);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>
    /// Loads the item's caption (cross-attention K/V) into the engine before the clock starts, as
    /// Generate would: the engine recomputes it only when the prompt changes, so left in the timed
    /// part it would always fall on whichever method runs a prompt first. It is the same work for
    /// every method.
    /// </summary>
    private void LoadCaption(string prompt, string negativePrompt)
    {
        var useGuidance = (settings.Guidance ?? pipeline.Package.Manifest.Defaults.Guidance) != 1.0;
        pipeline.Engine.SetCaptions(pipeline.EncodePrompt(prompt), useGuidance ? pipeline.EncodePrompt(negativePrompt) : null);
    }
}
