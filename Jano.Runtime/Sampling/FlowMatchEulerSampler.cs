namespace Jano.Runtime.Sampling;

/// <summary>
/// Euler steps over σ for rectified-flow models, with the same σ schedule as diffusers'
/// FlowMatchEulerDiscreteScheduler (static shift, no dynamic shifting): the training σ grid
/// 1000/1000 … 1/1000 is shifted, its end points are mapped back to timesteps, spaced linearly over the
/// requested step count, shifted again, and a final σ = 0 is appended. The model predicts velocity
/// v = ε − x₀ at timestep 1000·σ; one step is x ← x + (σ_next − σ)·v.
/// </summary>
public sealed class FlowMatchEulerSampler : ISampler
{
    private readonly double[] _sigmas;

    public FlowMatchEulerSampler(int steps, double shift = 1.0, int trainTimesteps = 1000)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 1");
        if (!(shift > 0) || double.IsInfinity(shift)) throw new ArgumentOutOfRangeException(nameof(shift), shift, "shift must be a positive number");
        Steps = steps;
        TrainTimesteps = trainTimesteps;
        Shift = shift;

        var sigmaMax = ShiftSigma(1.0, shift);
        var sigmaMin = ShiftSigma(1.0 / trainTimesteps, shift);
        _sigmas = new double[steps + 1];
        for (var i = 0; i < steps; i++)
        {
            // linspace(σmax·T, σmin·T, steps) / T, as diffusers computes it.
            var t = steps == 1 ? sigmaMax * trainTimesteps
                : sigmaMax * trainTimesteps + (sigmaMin * trainTimesteps - sigmaMax * trainTimesteps) * i / (steps - 1);
            _sigmas[i] = ShiftSigma(t / trainTimesteps, shift);
        }
        _sigmas[steps] = 0.0;
    }

    public int Steps { get; }
    public int TrainTimesteps { get; }
    public double Shift { get; }

    /// <summary>σ at step i; σ[Steps] = 0.</summary>
    public double Sigma(int index) => _sigmas[index];

    public float ModelTimestep(int index) => (float)(_sigmas[index] * TrainTimesteps);

    public void Step(int index, ReadOnlySpan<float> prediction, Span<float> latents)
    {
        if (prediction.Length != latents.Length) throw new ArgumentException("prediction and latents differ in length");
        var dt = (float)(_sigmas[index + 1] - _sigmas[index]);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(prediction, dt, latents, latents);
    }

    public static double ShiftSigma(double sigma, double shift) => shift * sigma / (1 + (shift - 1) * sigma);
}
