namespace Jano.Runtime.Scheduling;

/// <summary>
/// What <see cref="JanoAnalyzer.Analyze"/> found. Every array is indexed by the block grid
/// [GridFrames, GridHeight, GridWidth], row-major, and belongs to the caller.
/// </summary>
/// <param name="Steps">k, the recorded predictions that were compared.</param>
/// <param name="Interval">k / 2: steps j and j + Interval were compared.</param>
/// <param name="Spatial">Raw spatial dynamics.</param>
/// <param name="Temporal">Raw temporal dynamics (all 0 when blocks are one frame deep).</param>
/// <param name="Combined">TWeight·temporal + (1 − TWeight)·spatial, min-max normalised to [0, 1].</param>
/// <param name="Final">Combined after inward diffusion (not re-normalised): what the mask thresholds.</param>
public sealed record BlockScores(
    int GridFrames, int GridHeight, int GridWidth, int Steps, int Interval,
    float[] Spatial, float[] Temporal, float[] Combined, float[] Final)
{
    /// <summary>Blocks in the grid.</summary>
    public int Blocks => GridFrames * GridHeight * GridWidth;

    /// <summary>Cells of one grid frame: GridHeight · GridWidth.</summary>
    public int FrameBlocks => GridHeight * GridWidth;
}
