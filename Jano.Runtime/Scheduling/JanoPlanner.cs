using Jano.Core.Acceleration;
using System.Diagnostics;

namespace Jano.Runtime.Scheduling;

/// <summary>
/// Drives one Jano generation: which tokens each step computes, when the warm-up predictions are
/// recorded, and when the mask is built (right after step <c>warmup</c>). Until the mask exists
/// every step is full.
/// </summary>
public sealed class JanoPlanner
{
    private readonly IRegionAnalysis _analysis;
    private readonly int _tokens;

    public JanoPlanner(JanoOptions options, int steps, int tokens, IRegionAnalysis analysis)
    {
        Options = options;
        Steps = steps;
        _tokens = tokens;
        _analysis = analysis;
        Levels = JanoSchedule.Levels(steps, options);
        TokensPerStep = new int[steps];
    }

    public JanoOptions Options { get; }
    public int Steps { get; }

    /// <summary>Image tokens of the model.</summary>
    public int Tokens => _tokens;
    public StepLevel[] Levels { get; }
    public TokenMask? Mask { get; private set; }
    public AnalysisMaps? Maps => _analysis.Maps;

    /// <summary>Tokens each step computed (filled in as the run goes).</summary>
    public int[] TokensPerStep { get; }

    public double AnalysisMs { get; private set; }

    /// <summary>Tokens step <paramref name="step"/> (1-based) computes: a prefix of the scheduling order.</summary>
    public int TokensFor(int step)
    {
        var n = Mask is null ? _tokens : Mask.TokensFor(Levels[step - 1]);
        TokensPerStep[step - 1] = n;
        return n;
    }

    /// <summary>A hybrid skipped step <paramref name="step"/> entirely (it computed no token).</summary>
    public void Skip(int step) => TokensPerStep[step - 1] = 0;

    /// <summary>For presets that also analyse the starting noise.</summary>
    public void RecordInitialNoise(ReadOnlySpan<float> latents)
    {
        if (Options.IncludeInitialNoise) _analysis.Record(latents);
    }

    /// <summary>Records a warm-up prediction; returns the new mask right after the last warm-up step, else null.</summary>
    public TokenMask? AfterStep(int step, ReadOnlySpan<float> guidedPrediction)
    {
        if (step > Options.Warmup) return null;
        _analysis.Record(guidedPrediction);
        if (step != Options.Warmup) return null;
        var start = Stopwatch.GetTimestamp();
        Mask = _analysis.BuildMask();
        if (Mask.Tokens != _tokens) throw new InvalidOperationException($"mask has {Mask.Tokens} tokens, the model {_tokens}");
        AnalysisMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return Mask;
    }
}
