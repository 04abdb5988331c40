namespace Jano.Runtime.Scheduling;

/// <summary>
/// What the planner needs from an analysis: it is fed the guided noise predictions of the warm-up
/// steps and then builds the token mask. The real one is the block-dynamics analyzer; benchmarks and
/// tests may force a mask instead.
/// </summary>
public interface IRegionAnalysis
{
    void Record(ReadOnlySpan<float> prediction);

    TokenMask BuildMask();

    /// <summary>Block scores of the last BuildMask, if the analysis has them (for maps and reports).</summary>
    AnalysisMaps? Maps { get; }
}

/// <summary>Score grids for introspection: final (after diffusion) and before diffusion, [blocksH, blocksW].</summary>
public sealed record AnalysisMaps(float[] Scores, float[] ScoresBeforeDiffusion, int BlocksH, int BlocksW);

/// <summary>An analysis that ignores the predictions and returns a given mask.</summary>
public sealed class ForcedMask(TokenMask mask) : IRegionAnalysis
{
    public void Record(ReadOnlySpan<float> prediction) { }
    public TokenMask BuildMask() => mask;
    public AnalysisMaps? Maps => null;
}
