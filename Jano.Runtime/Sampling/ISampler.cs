namespace Jano.Runtime.Sampling;

/// <summary>
/// A denoising schedule: the model-input timestep of every step and the update of the latents from
/// the model's (guided) prediction. Samplers hold no per-run state, so one instance serves any number
/// of images; Step works in place without allocating.
/// </summary>
public interface ISampler
{
    int Steps { get; }

    /// <summary>The timestep fed to the model at step <paramref name="index"/> (0-based).</summary>
    float ModelTimestep(int index);

    /// <summary>latents ← update(latents, prediction) for step <paramref name="index"/>.</summary>
    void Step(int index, ReadOnlySpan<float> prediction, Span<float> latents);
}
