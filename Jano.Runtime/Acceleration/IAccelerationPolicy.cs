namespace Jano.Runtime.Acceleration;

/// <summary>
/// Decides, step by step, what one generation computes on the token engine: before each step, a
/// prefix n of the image tokens in scheduling order (N: a full step; 0: reuse every output row);
/// after it, what it observed (the guided prediction), which may give a new scheduling order. Dense,
/// Jano and every baseline are policies over the same engine and buffers. One policy serves one
/// generation.
/// </summary>
public interface IAccelerationPolicy
{
    /// <summary>"dense", "jano", ... for reports and sidecars.</summary>
    string Method { get; }

    /// <summary>Called once with the initial noise, before step 1.</summary>
    void Begin(ReadOnlySpan<float> initialLatents);

    /// <summary>Image tokens step <paramref name="step"/> (1-based) computes.</summary>
    int TokensFor(int step);

    /// <summary>Observes the guided prediction of a step; returns a new scheduling order of the image tokens, or null to keep it.</summary>
    int[]? AfterStep(int step, ReadOnlySpan<float> guidedPrediction);
}
