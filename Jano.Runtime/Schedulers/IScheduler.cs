namespace Jano.Runtime.Schedulers;

/// <summary>
/// A denoising scheduler with diffusers' semantics: set up for a step count, it gives the timestep
/// the transformer receives at every step, scales the model input where the scheduler does (Euler),
/// and advances the sample in place from the model's (guided) output. Stateful (multistep solvers keep
/// their previous model outputs), so one instance serves one generation at a time; SetTimesteps starts
/// the next. Step must be called for every step in order, whatever the acceleration policy computed:
/// the scheduler advances every value of the sample, stale model outputs included.
/// </summary>
public interface IScheduler
{
    /// <summary>diffusers' class name, or the sampler kind of a package without a scheduler config.</summary>
    string Name { get; }

    /// <summary>The number of timesteps after <see cref="SetTimesteps"/>.</summary>
    int Steps { get; }

    /// <summary>Sets up a generation of <paramref name="steps"/> steps and forgets the previous one's state.</summary>
    void SetTimesteps(int steps, TimestepOptions? options = null);

    /// <summary>diffusers' <c>scheduler.timesteps</c> (its float32 or int64 values, as doubles).</summary>
    ReadOnlySpan<double> Timesteps { get; }

    /// <summary>diffusers' <c>scheduler.sigmas</c> (Steps + 1 values, float32 as doubles); empty for schedulers without σ (DDIM).</summary>
    ReadOnlySpan<double> Sigmas { get; }

    /// <summary>The factor the initial noise is multiplied by (diffusers' <c>init_noise_sigma</c>; 1 where the class has none).</summary>
    double InitNoiseSigma { get; }

    /// <summary>The timestep the transformer receives at step <paramref name="index"/>, as float32.</summary>
    float ModelTimestep(int index);

    /// <summary>Whether the model input differs from the sample (<see cref="ScaleModelInput"/> does something).</summary>
    bool ScalesModelInput { get; }

    /// <summary>diffusers' <c>scale_model_input</c>: the model input of step <paramref name="index"/> written to <paramref name="destination"/>.</summary>
    void ScaleModelInput(int index, ReadOnlySpan<float> sample, Span<float> destination);

    /// <summary>sample ← the scheduler's step <paramref name="index"/> from <paramref name="modelOutput"/> (the prediction channels only).</summary>
    void Step(int index, ReadOnlySpan<float> modelOutput, Span<float> sample);
}

/// <summary>What a pipeline passes to set_timesteps besides the step count.</summary>
public sealed record TimestepOptions
{
    /// <summary>The transformer's image token count, from which dynamic shifting computes μ (FLUX's image_seq_len).</summary>
    public int? ImageSequenceLength { get; init; }

    /// <summary>μ itself, overriding the one from <see cref="ImageSequenceLength"/>.</summary>
    public double? Mu { get; init; }

    /// <summary>Custom σ, one per step, as FluxPipeline passes them (<c>np.linspace(1, 1/S, S)</c>); the step count is their number.</summary>
    public IReadOnlyList<double>? Sigmas { get; init; }
}
