using System.Diagnostics;
using System.Globalization;
using Jano.Cli.CommandLine;
using Jano.Runtime.Engine;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;

namespace Jano.Cli.Bench;

/// <summary>
/// Runs the methods over the item set in one process on one pipeline (same sessions, same caches):
/// warm-up first, then every item with every method back to back, repeated. The order of the methods
/// rotates from one item to the next (with two methods: dense, jano, then jano, dense) so that no method
/// always runs right after another: drift in machine load and cache state falls on all alike.
/// </summary>
public sealed class BenchRunner(TextToImagePipeline pipeline, BenchSettings settings, TextWriter log)
{
    public const string Dense = BenchMethod.DenseLabel;

    private readonly TokenMask? _forcedMask = settings.Forced?.Mask(pipeline.Package.Manifest.Geometry.Tokens);

    public BenchMeasurements Run()
    {
        var measurements = new BenchMeasurements();
        var items = settings.Items;
        var methods = settings.Methods;
        for (var w = 0; w < settings.WarmupRuns; w++)
            foreach (var method in methods)
            {
                var item = items[w % items.Count];
                var wallMs = Time(method, item, out _);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up {w + 1}/{settings.WarmupRuns}: {method.Label}, {wallMs:F0} ms"));
            }

        var total = settings.Repeats * items.Count * methods.Count;
        var done = 0;
        var progress = CliProgress.For(log, "bench", "runs");
        for (var r = 0; r < settings.Repeats; r++)
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                foreach (var method in Rotated(methods, r * items.Count + i))
                {
                    var wallMs = Time(method, item, out var result);
                    var attentionInSessions = pipeline.Options.Attention == "ort";
                    measurements.Runs.Add(new BenchRun(method.Label, item, r, wallMs, TimeBreakdown.Of(result, wallMs, attentionInSessions), result.Jano, IdealSpeedup(result)));
                    measurements.KeepImage(method.Label, item, result);
                    progress.Report(++done, total, string.Create(CultureInfo.InvariantCulture, $"{method.Label} '{item.Prompt}' seed {item.Seed}: {wallMs:F0} ms"));
                }
            }
        return measurements;
    }

    /// <summary>The methods starting at position k mod count: two methods alternate (the order the harness always had).</summary>
    public static IEnumerable<BenchMethod> Rotated(IReadOnlyList<BenchMethod> methods, int k)
    {
        var start = k % methods.Count;
        for (var j = 0; j < methods.Count; j++) yield return methods[(start + j) % methods.Count];
    }

    /// <summary>The generation's FLOP speed-up over dense: the accelerator's, else Jano's, else 1 (dense).</summary>
    private static double IdealSpeedup(GenerationResult result) => result.Acceleration?.IdealSpeedup ?? result.Jano?.IdealSpeedup ?? 1;

    private double Time(BenchMethod method, BenchItem item, out GenerationResult result)
    {
        var request = new GenerationRequest
        {
            Prompt = item.Prompt,
            Seed = item.Seed,
            Steps = settings.Steps,
            Guidance = settings.Guidance,
            Method = method.Method,
            Jano = method.Jano,
            ForcedMask = method.UsesJano ? _forcedMask : null,
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
