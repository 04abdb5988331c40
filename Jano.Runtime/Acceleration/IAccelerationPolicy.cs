namespace Jano.Runtime.Acceleration;

/// <summary>
/// Decides, step by step, what one generation computes on the token engine: before each step a
/// <see cref="StepPlan"/> (a prefix n of the image tokens in scheduling order, a reuse of the blocks'
/// cached residual, or a forecast); after the transformer, a look at the guided output rows (which a
/// forecasting policy may overwrite); after the step, what it observed in the guided prediction, which
/// may give a new scheduling order. Dense, Jano and every baseline are policies over the same engine and
/// buffers. One policy serves one generation. The defaults keep the original contract (a token count per
/// step), so dense and Jano run exactly as before.
/// </summary>
public interface IAccelerationPolicy
{
    /// <summary>"dense", "jano", ... for reports and sidecars.</summary>
    string Method { get; }

    /// <summary>Called once with the initial noise, before step 1.</summary>
    void Begin(ReadOnlySpan<float> initialLatents);

    /// <summary>Image tokens step <paramref name="step"/> (1-based) computes.</summary>
    int TokensFor(int step);

    /// <summary>
    /// What step <paramref name="step"/> (1-based) does, given the model input it will see (the latents
    /// the transformer takes, after the scheduler's input scaling): TeaCache decides from its change.
    /// </summary>
    StepPlan Plan(int step, ReadOnlySpan<float> modelInput) => StepPlan.Compute(TokensFor(step));

    /// <summary>
    /// Sees the step's guided output rows [N, W] in scheduling order (<paramref name="order"/>: row r is
    /// token order[r]) before they become the prediction; a forecasting policy overwrites the rows it
    /// forecasts (TaylorSeer: all of them on a forecast step; jano+taylor: the frozen ones). Rows past
    /// what the plan computed hold their cached values.
    /// </summary>
    void Refine(int step, StepPlan plan, ReadOnlySpan<int> order, Span<float> guidedRows) { }

    /// <summary>Whether the engine must keep the blocks' residual (output − input) of every full step for <see cref="StepKind.ReuseBlocks"/>.</summary>
    bool ReusesBlocks => false;

    /// <summary>Observes the guided prediction of a step; returns a new scheduling order of the image tokens, or null to keep it.</summary>
    int[]? AfterStep(int step, ReadOnlySpan<float> guidedPrediction);
}
