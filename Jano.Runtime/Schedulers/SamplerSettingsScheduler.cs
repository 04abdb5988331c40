using Jano.Core.Packages;
using Jano.Runtime.Sampling;

namespace Jano.Runtime.Schedulers;

/// <summary>
/// The scheduler of a package without a verbatim scheduler config: the runtime's own samplers
/// (Sampling/FlowMatchEulerSampler, DdimSampler) from the manifest's sampler settings. Kept, not
/// replaced by the diffusers classes, because the shipped default model (trained here, no config) must
/// give bit-identical images: its flow sampler keeps σ in double and steps with (float)(σ_next − σ),
/// where diffusers' FlowMatchEulerDiscreteScheduler rounds σ to float32 first, which changes the last
/// bits of the images.
/// </summary>
public sealed class SamplerSettingsScheduler(SamplerSettings settings) : IScheduler
{
    private ISampler? _sampler;
    private double[] _timesteps = [];

    public SamplerSettings Settings { get; } = settings;
    public string Name => Settings.Kind;
    public int Steps => _sampler?.Steps ?? 0;
    public ReadOnlySpan<double> Timesteps => _timesteps;
    public ReadOnlySpan<double> Sigmas => _sampler is FlowMatchEulerSampler flow
        ? Enumerable.Range(0, flow.Steps + 1).Select(flow.Sigma).ToArray()
        : [];
    public double InitNoiseSigma => 1.0;
    public bool ScalesModelInput => false;

    public void SetTimesteps(int steps, TimestepOptions? options = null)
    {
        if (options?.Sigmas is not null) throw new ArgumentException($"sampler '{Name}' takes no custom sigmas", nameof(options));
        _sampler = SamplerFactory.Create(Settings, steps);
        _timesteps = Enumerable.Range(0, steps).Select(i => (double)_sampler.ModelTimestep(i)).ToArray();
    }

    public float ModelTimestep(int index) => Sampler.ModelTimestep(index);

    public void ScaleModelInput(int index, ReadOnlySpan<float> sample, Span<float> destination) => sample.CopyTo(destination);

    public void Step(int index, ReadOnlySpan<float> modelOutput, Span<float> sample) => Sampler.Step(index, modelOutput, sample);

    private ISampler Sampler => _sampler ?? throw new InvalidOperationException($"sampler '{Name}': call SetTimesteps before stepping");
}
