namespace Jano.Runtime.Pipeline;

/// <summary>
/// A progress report of <see cref="TextToImagePipeline.GenerateAsync"/>: sent when a stage begins and after
/// every denoising step. A value type, so reporting a step allocates nothing.
/// </summary>
/// <param name="Index">The request's position in a batch (<see cref="TextToImagePipeline.GenerateManyAsync"/>); 0 for one request.</param>
/// <param name="Stage">The stage the run is in.</param>
/// <param name="Step">Steps finished (0 before the first; <paramref name="Steps"/> once decoding starts).</param>
/// <param name="Steps">The run's step count.</param>
/// <param name="Tokens">Image tokens the last step computed (0 outside <see cref="GenerationStage.Denoising"/> reports).</param>
/// <param name="StepMs">The last step's time in milliseconds (0 outside step reports).</param>
public readonly record struct GenerationProgress(int Index, GenerationStage Stage, int Step, int Steps, int Tokens, double StepMs)
{
    /// <summary>Share of the denoising steps done, 0 to 1.</summary>
    public double Fraction => Steps == 0 ? 0 : (double)Step / Steps;
}
