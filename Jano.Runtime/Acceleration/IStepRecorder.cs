namespace Jano.Runtime.Acceleration;

/// <summary>
/// Sees every step of a generation after the transformer and guidance, before the scheduler moves the
/// latents: the model input the step took and the guided prediction it made. Calibration (TeaCache's
/// rescaling polynomial) records dense runs through it; the spans are the pipeline's own buffers, valid
/// only during the call, so a recorder copies what it keeps.
/// </summary>
public interface IStepRecorder
{
    /// <param name="step">1-based.</param>
    /// <param name="steps">The generation's step count.</param>
    /// <param name="modelInput">The latents as the transformer took them (after the scheduler's input scaling).</param>
    /// <param name="guidedPrediction">The step's prediction after guidance, in latent layout.</param>
    void Record(int step, int steps, ReadOnlySpan<float> modelInput, ReadOnlySpan<float> guidedPrediction);
}
