using Jano.Core.Schedulers;

namespace Jano.Runtime.Schedulers;

/// <summary>
/// diffusers v0.32.2's EulerDiscreteScheduler without churn (s_churn = 0, its pipelines' default):
/// σ of the DDPM schedule interpolated at the timesteps, the initial noise scaled by
/// <see cref="InitNoiseSigma"/>, the model input by 1/√(σ²+1), and x ← x + (x − x̂₀)/σ·(σ_next − σ).
/// The schedule is NumPy float64 from float32 ᾱ, cast to float32; the input scaling and the step are
/// float32 arithmetic in diffusers' order (only +, −, ×, ÷, √), so the results are the same floats as
/// diffusers' on the same inputs.
/// </summary>
public sealed class EulerDiscreteScheduler : IScheduler
{
    private readonly EulerDiscreteConfig _config;
    private readonly float[] _alphasCumprod;
    private readonly float[] _trainSigmas;
    private float[] _timesteps32 = [];
    private double[] _timesteps = [];
    private float[] _sigmas = [];
    private double[] _sigmasOut = [];
    private SchedulerState _state;

    public EulerDiscreteScheduler(EulerDiscreteConfig config)
    {
        _config = config;
        _alphasCumprod = DdpmSchedule.AlphasCumprod(config.Betas);
        if (config.Betas.RescaleZeroTerminalSnr) _alphasCumprod[^1] = 1f / (1 << 24); // diffusers: 2**-24, "so the first sigma is not inf"
        _trainSigmas = DdpmSchedule.Sigmas(_alphasCumprod);
    }

    public EulerDiscreteConfig Config => _config;
    public string Name => EulerDiscreteConfig.Name;
    public int Steps => _state.Steps;
    public ReadOnlySpan<double> Timesteps => _timesteps;
    public ReadOnlySpan<double> Sigmas => _sigmasOut;
    public bool ScalesModelInput => true;

    /// <summary>max σ for linspace and trailing spacing, √(max σ² + 1) for leading (float32, as diffusers).</summary>
    public double InitNoiseSigma { get; private set; } = 1.0;

    public void SetTimesteps(int steps, TimestepOptions? options = null)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 1");
        if (options?.Sigmas is not null) throw new ArgumentException($"{Name} takes no custom sigmas here", nameof(options));
        var t = _config.Betas.TrainTimesteps;
        _timesteps32 = _config.TimestepSpacing switch
        {
            TimestepSpacing.Linspace => NumpyMath.Linspace(0, t - 1, steps).Reverse().Select(v => (float)v).ToArray(),
            TimestepSpacing.Leading => Enumerable.Range(0, steps).Reverse().Select(i => (float)((long)i * (t / steps)) + _config.StepsOffset).ToArray(),
            TimestepSpacing.Trailing => NumpyMath.Arange(t, 0, -(double)t / steps).Select(v => (float)NumpyMath.Round(v) - 1f).ToArray(),
            _ => throw new ArgumentException($"timestep_spacing '{_config.TimestepSpacing}' is not implemented"),
        };
        var n = _timesteps32.Length;
        _sigmas = new float[n + 1];
        for (var i = 0; i < n; i++) _sigmas[i] = (float)NumpyMath.Interp(_timesteps32[i], _trainSigmas);
        _sigmas[n] = _config.FinalSigmasType == DpmSolverMultistepConfig.FinalSigmaMin ? DdpmSchedule.Sigma(_alphasCumprod[0]) : 0f;
        var max = _sigmas.Max();
        InitNoiseSigma = _config.TimestepSpacing == TimestepSpacing.Leading ? MathF.Sqrt(max * max + 1f) : max;
        _timesteps = _timesteps32.Select(v => (double)v).ToArray();
        _sigmasOut = _sigmas.Select(v => (double)v).ToArray();
        _state.Reset(n);
    }

    public float ModelTimestep(int index) => _timesteps32[index];

    public void ScaleModelInput(int index, ReadOnlySpan<float> sample, Span<float> destination)
    {
        var sigma = _sigmas[index];
        var scale = MathF.Sqrt(sigma * sigma + 1f);
        for (var j = 0; j < sample.Length; j++) destination[j] = sample[j] / scale;
    }

    public void Step(int index, ReadOnlySpan<float> modelOutput, Span<float> sample)
    {
        if (modelOutput.Length != sample.Length) throw new ArgumentException("the model output and the sample differ in length");
        _state.Advance(Name, index);
        var sigma = _sigmas[index]; // σ̂ = σ·(γ + 1) with γ = 0
        var dt = _sigmas[index + 1] - sigma;
        var prediction = _config.PredictionType;
        // v-prediction: x̂₀ = v·(−σ/√(σ²+1)) + x/(σ²+1)
        var sigmaSquaredPlusOne = sigma * sigma + 1f;
        var vScale = -sigma / MathF.Sqrt(sigmaSquaredPlusOne);
        for (var j = 0; j < sample.Length; j++)
        {
            float x = sample[j], m = modelOutput[j];
            var x0 = prediction switch
            {
                PredictionType.Epsilon => x - sigma * m,
                PredictionType.VPrediction => m * vScale + x / sigmaSquaredPlusOne,
                _ => m, // sample, original_sample
            };
            var derivative = (x - x0) / sigma;
            sample[j] = x + derivative * dt;
        }
    }
}
