namespace Jano.Runtime.Acceleration;

/// <summary>How a step obtains the model output.</summary>
public enum StepKind
{
    /// <summary>The transformer computes the prefix rows and the first <see cref="StepPlan.Tokens"/> image tokens; the rest keep their cached output (0: all do).</summary>
    Compute,

    /// <summary>
    /// The blocks are skipped: embed (all N tokens, the new input), plus the residual the blocks added at the
    /// last full step (their output − their input), then the final layer (FORA, TeaCache).
    /// </summary>
    ReuseBlocks,

    /// <summary>Nothing runs; the policy writes a forecast into the guided output rows (<see cref="IAccelerationPolicy.Refine"/>).</summary>
    Forecast,
}

/// <summary>What one step computes: a kind and, for <see cref="StepKind.Compute"/>, the image-token prefix.</summary>
public readonly record struct StepPlan(StepKind Kind, int Tokens)
{
    public static StepPlan Compute(int tokens) => new(StepKind.Compute, tokens);
    public static readonly StepPlan ReuseBlocks = new(StepKind.ReuseBlocks, 0);
    public static readonly StepPlan Forecast = new(StepKind.Forecast, 0);

    /// <summary>Image tokens whose output rows this step's transformer run writes (N for a block reuse: embed and final run over every token).</summary>
    public int RowsWritten(int imageTokens) => Kind switch { StepKind.Compute => Tokens, StepKind.ReuseBlocks => imageTokens, _ => 0 };
}
