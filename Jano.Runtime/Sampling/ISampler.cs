namespace Jano.Runtime.Sampling;

/// <summary>
/// The runtime's own samplers, for packages without a diffusers scheduler config (the default model):
/// the model-input timestep of every step and the update of the latents from the model's (guided)
/// prediction. They hold no per-run state; Step works in place without allocating. The pipeline runs
/// them through Schedulers/SamplerSettingsScheduler; packages with a config run Schedulers/ instead.
/// </summary>
public interface ISampler
{
    int Steps { get; }

    /// <summary>The timestep fed to the model at step <paramref name="index"/> (0-based).</summary>
    float ModelTimestep(int index);

    /// <summary>latents ← update(latents, prediction) for step <paramref name="index"/>.</summary>
    void Step(int index, ReadOnlySpan<float> prediction, Span<float> latents);
}
