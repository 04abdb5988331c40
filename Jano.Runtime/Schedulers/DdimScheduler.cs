using Jano.Core.Schedulers;

namespace Jano.Runtime.Schedulers;

/// <summary>
/// diffusers v0.32.2's DDIMScheduler with η = 0 (what its pipelines use by default):
/// x̂₀ from the prediction, clipped if clip_sample, then x ← √ᾱ_prev·x̂₀ + √(1 − ᾱ_prev)·ε̂, where the
/// previous timestep is t − T/S (ᾱ_prev = 1 past the end when set_alpha_to_one). diffusers computes
/// all of it in float32 with only +, −, ×, ÷ and √ (correctly rounded), in an order followed here, so
/// the results are the same floats as diffusers' on the same inputs.
/// </summary>
public sealed class DdimScheduler : IScheduler
{
    private readonly DdimConfig _config;
    private readonly float[] _alphasCumprod;
    private readonly float _finalAlphaCumprod;
    private long[] _timesteps = [];
    private double[] _timestepsOut = [];
    private int _stepRatio;
    private SchedulerState _state;

    public DdimScheduler(DdimConfig config)
    {
        _config = config;
        _alphasCumprod = DdpmSchedule.AlphasCumprod(config.Betas);
        _finalAlphaCumprod = config.SetAlphaToOne ? 1f : _alphasCumprod[0];
    }

    public DdimConfig Config => _config;

    /// <summary>ᾱ_t, t = 0 … T−1 (float32, as diffusers' alphas_cumprod).</summary>
    public ReadOnlySpan<float> AlphasCumprod => _alphasCumprod;
    public string Name => DdimConfig.Name;
    public int Steps => _state.Steps;
    public ReadOnlySpan<double> Timesteps => _timestepsOut;
    public ReadOnlySpan<double> Sigmas => [];
    public double InitNoiseSigma => 1.0;
    public bool ScalesModelInput => false;

    public void SetTimesteps(int steps, TimestepOptions? options = null)
    {
        var t = _config.Betas.TrainTimesteps;
        if (steps < 1 || steps > t) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{Name}: steps must be between 1 and num_train_timesteps ({t})");
        if (options?.Sigmas is not null) throw new ArgumentException($"{Name} takes no custom sigmas", nameof(options));
        _timesteps = _config.TimestepSpacing switch
        {
            TimestepSpacing.Linspace => NumpyMath.Linspace(0, t - 1, steps).Reverse().Select(v => (long)NumpyMath.Round(v)).ToArray(),
            TimestepSpacing.Leading => Enumerable.Range(0, steps).Reverse().Select(i => (long)i * (t / steps) + _config.StepsOffset).ToArray(),
            TimestepSpacing.Trailing => NumpyMath.Arange(t, 0, -(double)t / steps).Select(v => (long)NumpyMath.Round(v) - 1).ToArray(),
            _ => throw new ArgumentException($"timestep_spacing '{_config.TimestepSpacing}' is not implemented"),
        };
        foreach (var timestep in _timesteps)
            if (timestep < 0 || timestep >= t)
                throw new ArgumentException($"{Name}: {steps} steps with timestep_spacing '{_config.TimestepSpacing}' and steps_offset {_config.StepsOffset} give timestep {timestep}, outside [0, {t})");
        _stepRatio = t / steps;
        _timestepsOut = _timesteps.Select(v => (double)v).ToArray();
        _state.Reset(_timesteps.Length);
    }

    public float ModelTimestep(int index) => _timesteps[index];

    public void ScaleModelInput(int index, ReadOnlySpan<float> sample, Span<float> destination) => sample.CopyTo(destination);

    public void Step(int index, ReadOnlySpan<float> modelOutput, Span<float> sample)
    {
        if (modelOutput.Length != sample.Length) throw new ArgumentException("the model output and the sample differ in length");
        _state.Advance(Name, index);
        var t = _timesteps[index];
        var previous = t - _stepRatio;
        var alpha = _alphasCumprod[t];
        var alphaPrev = previous >= 0 ? _alphasCumprod[previous] : _finalAlphaCumprod;
        var beta = 1f - alpha;
        float sqrtAlpha = MathF.Sqrt(alpha), sqrtBeta = MathF.Sqrt(beta);
        var sqrtAlphaPrev = MathF.Sqrt(alphaPrev);
        var direction = MathF.Sqrt(1f - alphaPrev - 0f); // (1 − ᾱ_prev − σ_t²)^½ with σ_t = η·… = 0
        var clip = _config.ClipSample;
        var range = (float)_config.ClipSampleRange;
        var prediction = _config.PredictionType;
        for (var j = 0; j < sample.Length; j++)
        {
            float x = sample[j], m = modelOutput[j], x0, eps;
            switch (prediction)
            {
                case PredictionType.Epsilon:
                    x0 = (x - sqrtBeta * m) / sqrtAlpha;
                    eps = m;
                    break;
                case PredictionType.Sample:
                    x0 = m;
                    eps = (x - sqrtAlpha * x0) / sqrtBeta;
                    break;
                default: // v_prediction
                    x0 = sqrtAlpha * x - sqrtBeta * m;
                    eps = sqrtAlpha * m + sqrtBeta * x;
                    break;
            }
            if (clip) x0 = Math.Clamp(x0, -range, range);
            sample[j] = sqrtAlphaPrev * x0 + direction * eps;
        }
    }
}
