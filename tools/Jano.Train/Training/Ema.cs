using Jano.Train.Model;
using static TorchSharp.torch;

namespace Jano.Train.Training;

/// <summary>
/// Exponential moving average of the weights (what gets exported). The effective decay is warmed up as
/// min(decay, (1+n)/(10+n)) so that the average is not dominated by the random init for the first
/// thousands of steps.
/// </summary>
public sealed class Ema
{
    private readonly (TorchSharp.Modules.Parameter Live, TorchSharp.Modules.Parameter Average)[] _pairs;

    public Ema(FlowModel live, FlowModel average, double decay)
    {
        Decay = decay;
        Model = average;
        var avg = average.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        _pairs = live.named_parameters().Select(p => (p.parameter, avg[p.name])).ToArray();
        foreach (var (_, a) in _pairs) a.requires_grad = false;
    }

    public double Decay { get; }
    public FlowModel Model { get; }

    public void CopyFromLive()
    {
        using var _ = no_grad();
        foreach (var (live, avg) in _pairs) avg.copy_(live);
    }

    public void Update(long step)
    {
        double d = Math.Min(Decay, (1.0 + step) / (10.0 + step));
        using var _ = no_grad();
        foreach (var (live, avg) in _pairs) avg.lerp_(live, 1 - d);
    }
}
