namespace Jano.Runtime.Sampling;

/// <summary>
/// Deterministic DDIM (η = 0) for ε-prediction models, as diffusers' DDIMScheduler with its defaults:
/// "leading" timestep spacing (t_i = (S−1−i)·⌊T/S⌋), steps_offset 0, set_alpha_to_one. Betas are
/// "linear" or "scaled_linear" between BetaStart and BetaEnd over T training steps.
/// x̂₀ = (x − √(1−ᾱ_t)·ε)/√ᾱ_t;  x ← √ᾱ_prev·x̂₀ + √(1−ᾱ_prev)·ε.
/// </summary>
public sealed class DdimSampler : ISampler
{
    private readonly int[] _timesteps;
    private readonly double[] _alphaCumprod;
    private readonly int _stepRatio;

    public DdimSampler(int steps, int trainTimesteps = 1000, double betaStart = 0.0001, double betaEnd = 0.02, string betaSchedule = "linear")
    {
        if (steps < 1 || steps > trainTimesteps)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps must be between 1 and {trainTimesteps}");
        Steps = steps;
        _alphaCumprod = AlphaCumprod(trainTimesteps, betaStart, betaEnd, betaSchedule);
        _stepRatio = trainTimesteps / steps;
        _timesteps = new int[steps];
        for (var i = 0; i < steps; i++) _timesteps[i] = (steps - 1 - i) * _stepRatio;
    }

    public int Steps { get; }

    public int Timestep(int index) => _timesteps[index];

    public float ModelTimestep(int index) => _timesteps[index];

    public double AlphaBar(int timestep) => timestep >= 0 ? _alphaCumprod[timestep] : 1.0;

    public void Step(int index, ReadOnlySpan<float> prediction, Span<float> latents)
    {
        if (prediction.Length != latents.Length) throw new ArgumentException("prediction and latents differ in length");
        var t = _timesteps[index];
        double a = AlphaBar(t), aPrev = AlphaBar(t - _stepRatio);
        double sqrtA = Math.Sqrt(a), sqrtOneMinusA = Math.Sqrt(1 - a);
        double sqrtAPrev = Math.Sqrt(aPrev), sqrtOneMinusAPrev = Math.Sqrt(1 - aPrev);
        for (var i = 0; i < latents.Length; i++)
        {
            double eps = prediction[i];
            var x0 = (latents[i] - sqrtOneMinusA * eps) / sqrtA;
            latents[i] = (float)(sqrtAPrev * x0 + sqrtOneMinusAPrev * eps);
        }
    }

    public static double[] AlphaCumprod(int trainTimesteps, double betaStart, double betaEnd, string schedule)
    {
        var result = new double[trainTimesteps];
        double product = 1;
        for (var i = 0; i < trainTimesteps; i++)
        {
            var f = trainTimesteps == 1 ? 0 : (double)i / (trainTimesteps - 1);
            var beta = schedule switch
            {
                "linear" => betaStart + (betaEnd - betaStart) * f,
                "scaled_linear" => Math.Pow(Math.Sqrt(betaStart) + (Math.Sqrt(betaEnd) - Math.Sqrt(betaStart)) * f, 2),
                _ => throw new ArgumentException($"beta schedule '{schedule}' is unknown (linear, scaled_linear)"),
            };
            product *= 1 - beta;
            result[i] = product;
        }
        return result;
    }
}
