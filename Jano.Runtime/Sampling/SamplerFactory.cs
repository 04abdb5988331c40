using Jano.Core.Packages;

namespace Jano.Runtime.Sampling;

public static class SamplerFactory
{
    public static ISampler Create(SamplerSettings settings, int steps) => settings.Kind switch
    {
        SamplerSettings.FlowEuler => new FlowMatchEulerSampler(steps, settings.Shift, settings.TrainTimesteps),
        SamplerSettings.Ddim => new DdimSampler(steps, settings.TrainTimesteps, settings.BetaStart, settings.BetaEnd, settings.BetaSchedule),
        _ => throw new ArgumentException($"sampler '{settings.Kind}' is unknown"),
    };
}
