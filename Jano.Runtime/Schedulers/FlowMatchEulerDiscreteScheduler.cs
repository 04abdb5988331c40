using Jano.Core.Schedulers;

namespace Jano.Runtime.Schedulers;

/// <summary>
/// diffusers v0.32.2's FlowMatchEulerDiscreteScheduler. The model predicts velocity v = ε − x₀ at
/// timestep T·σ; a step is x ← x + (σ_next − σ)·v.
/// <para>
/// Rounding follows diffusers: the constructor's σ grid is float32 (torch), set_timesteps works in
/// float64 (NumPy) from its end points, or in float32 for custom σ (NumPy float32 arrays), and casts
/// σ to float32; timesteps are σ·T in float32 and the step is float32 arithmetic, so the results are
/// the same floats as diffusers' on the same inputs.
/// </para>
/// </summary>
public sealed class FlowMatchEulerDiscreteScheduler : IScheduler
{
    private readonly FlowMatchEulerDiscreteConfig _config;
    private readonly double _sigmaMax;
    private readonly double _sigmaMin;
    private float[] _sigmas = [];
    private double[] _sigmasOut = [];
    private double[] _timesteps = [];
    private float[] _timesteps32 = [];
    private SchedulerState _state;

    public FlowMatchEulerDiscreteScheduler(FlowMatchEulerDiscreteConfig config)
    {
        _config = config;
        // __init__: timesteps T … 1 (float32), σ = t/T, shifted unless shifting is dynamic; only the
        // end points survive into set_timesteps (sigma_max, sigma_min as Python floats).
        var t = config.TrainTimesteps;
        float Grid(int value)
        {
            var s = (float)value / t;
            return config.UseDynamicShifting ? s : ShiftFloat32(s, config.Shift);
        }
        _sigmaMax = Grid(t);
        _sigmaMin = Grid(1);
    }

    public FlowMatchEulerDiscreteConfig Config => _config;
    public string Name => FlowMatchEulerDiscreteConfig.Name;
    public int Steps => _state.Steps;
    public ReadOnlySpan<double> Timesteps => _timesteps;
    public ReadOnlySpan<double> Sigmas => _sigmasOut;

    /// <summary>diffusers' class has no init_noise_sigma; its pipelines (SD3, FLUX) use the noise as it is.</summary>
    public double InitNoiseSigma => 1.0;
    public bool ScalesModelInput => false;

    /// <summary>μ of the last SetTimesteps with dynamic shifting; null otherwise.</summary>
    public double? Mu { get; private set; }

    public void SetTimesteps(int steps, TimestepOptions? options = null)
    {
        var custom = options?.Sigmas;
        if (custom is null && steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 1");
        if (custom is { Count: 0 }) throw new ArgumentException("custom sigmas: the list is empty", nameof(options));
        if (custom is not null && custom.Count != steps)
            throw new ArgumentException($"custom sigmas: {custom.Count} values for {steps} steps", nameof(options));
        Mu = null;
        if (_config.UseDynamicShifting)
        {
            Mu = options?.Mu ?? (options?.ImageSequenceLength is { } length ? _config.Mu(length)
                : throw new ArgumentException($"{Name}: use_dynamic_shifting needs the image sequence length (or μ) to set the timesteps", nameof(options)));
        }

        var sigmas = custom is null ? ScheduleFloat64(steps) : ScheduleFloat32(custom);
        var t = (float)_config.TrainTimesteps;
        var n = sigmas.Length;
        _sigmas = new float[n + 1];
        _timesteps32 = new float[n];
        for (var i = 0; i < n; i++)
        {
            var s = _config.InvertSigmas ? 1f - sigmas[i] : sigmas[i];
            _sigmas[i] = s;
            _timesteps32[i] = s * t;
        }
        _sigmas[n] = _config.InvertSigmas ? 1f : 0f;
        _timesteps = _timesteps32.Select(v => (double)v).ToArray();
        _sigmasOut = _sigmas.Select(v => (double)v).ToArray();
        _state.Reset(n);
    }

    public float ModelTimestep(int index) => _timesteps32[index];

    public void ScaleModelInput(int index, ReadOnlySpan<float> sample, Span<float> destination) => sample.CopyTo(destination);

    public void Step(int index, ReadOnlySpan<float> modelOutput, Span<float> sample)
    {
        if (modelOutput.Length != sample.Length) throw new ArgumentException("the model output and the sample differ in length");
        _state.Advance(Name, index);
        var dt = _sigmas[index + 1] - _sigmas[index]; // float32, as torch subtracts two float32 σ
        for (var j = 0; j < sample.Length; j++) sample[j] += dt * modelOutput[j];
    }

    /// <summary>σ·shift/(1 + (shift − 1)·σ) in float32 with a float32 shift (torch and NumPy float32 arrays round it so).</summary>
    private static float ShiftFloat32(float sigma, double shift) => (float)shift * sigma / (1f + (float)(shift - 1) * sigma);

    /// <summary>set_timesteps without custom σ: NumPy float64 from linspace(σmax·T, σmin·T, S)/T.</summary>
    private float[] ScheduleFloat64(int steps)
    {
        var t = _config.TrainTimesteps;
        var s = NumpyMath.Linspace(_sigmaMax * t, _sigmaMin * t, steps);
        for (var i = 0; i < s.Length; i++)
        {
            var sigma = s[i] / t;
            if (Mu is { } mu)
                sigma = Math.Exp(mu) / (Math.Exp(mu) + (1 / sigma - 1)); // time_shift(μ, 1, σ); the power 1.0 is exact
            else
                sigma = _config.Shift * sigma / (1 + (_config.Shift - 1) * sigma);
            s[i] = sigma;
        }
        if (_config.ShiftTerminal is { } terminal)
        {
            var scale = (1 - s[^1]) / (1 - terminal);
            for (var i = 0; i < s.Length; i++) s[i] = 1 - (1 - s[i]) / scale;
        }
        return s.Select(v => (float)v).ToArray();
    }

    /// <summary>set_timesteps with custom σ: NumPy float32 arrays; a Python float meeting one is rounded to float32.</summary>
    private float[] ScheduleFloat32(IReadOnlyList<double> custom)
    {
        var s = custom.Select(v => (float)v).ToArray();
        for (var i = 0; i < s.Length; i++)
        {
            if (Mu is { } mu)
            {
                var e = (float)Math.Exp(mu);
                s[i] = e / (e + (1f / s[i] - 1f));
            }
            else
                s[i] = ShiftFloat32(s[i], _config.Shift);
        }
        if (_config.ShiftTerminal is { } terminal)
        {
            // NumPy 1.x (as in the golden fixtures' environment): a float32 scalar divided by a Python
            // float is float64; dividing the float32 array by it rounds it to float32 first.
            var scale = (float)((1f - s[^1]) / (1 - terminal));
            for (var i = 0; i < s.Length; i++) s[i] = 1f - (1f - s[i]) / scale;
        }
        return s;
    }

    /// <summary>FluxPipeline's default σ: np.linspace(1, 1/S, S).</summary>
    public static double[] FluxSigmas(int steps) => NumpyMath.Linspace(1.0, 1.0 / steps, steps);
}
