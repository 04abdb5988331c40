using Jano.Core.Schedulers;

namespace Jano.Runtime.Schedulers;

/// <summary>
/// diffusers v0.32.2's DPMSolverMultistepScheduler, deterministic variants: DPM-Solver++ (data
/// prediction) or DPM-Solver (noise prediction), multistep of order 1–3, midpoint or Heun second order,
/// lower orders at the start and, as configured, at the end.
/// <para>
/// State: the converted model outputs (x̂₀ for ++, ε̂ otherwise) of the last solver_order steps, kept
/// here for every step, whatever the acceleration policy computed (a reused output is still an
/// output: diffusers' loop would convert and store it too).
/// </para>
/// <para>
/// Rounding: diffusers computes everything in float32 torch tensors. The σ schedule here is the same
/// floats (from the same float32 ᾱ); α_t, σ_t, λ, h, the coefficients and the update are float32 in
/// diffusers' order of operations, with the C library's logf and expf where torch (its CPU build) uses
/// SLEEF's vectorised log and exp, which differ from them in the last bit for a few arguments (about
/// one in ten for exp). Where they agree the results are diffusers' floats exactly (the 6-step golden
/// run, and the first 9 of the 20-step run); after a step where they do not, the two trajectories
/// differ by float32 rounding (≤ 3.3e-7 of the sample's magnitude on the 20-step fixture).
/// </para>
/// </summary>
public sealed class DpmSolverMultistepScheduler : IScheduler
{
    private readonly DpmSolverMultistepConfig _config;
    private readonly float[] _alphasCumprod;
    private readonly float[] _trainSigmas;
    private readonly int _lastTimestep;
    private long[] _timesteps = [];
    private double[] _timestepsOut = [];
    private float[] _sigmas = [];
    private double[] _sigmasOut = [];
    private float[][] _history = [];
    private int _lowerOrderNums;
    private SchedulerState _state;

    public DpmSolverMultistepScheduler(DpmSolverMultistepConfig config)
    {
        _config = config;
        _alphasCumprod = DdpmSchedule.AlphasCumprod(config.Betas);
        if (config.Betas.RescaleZeroTerminalSnr) _alphasCumprod[^1] = 1f / (1 << 24); // diffusers: 2**-24, "so the first sigma is not inf"
        _trainSigmas = DdpmSchedule.Sigmas(_alphasCumprod);
        _lastTimestep = config.Betas.TrainTimesteps - ClippedCount(_alphasCumprod, config.LambdaMinClipped);
    }

    public DpmSolverMultistepConfig Config => _config;
    public string Name => DpmSolverMultistepConfig.Name;
    public int Steps => _state.Steps;
    public ReadOnlySpan<double> Timesteps => _timestepsOut;
    public ReadOnlySpan<double> Sigmas => _sigmasOut;
    public double InitNoiseSigma => 1.0;
    public bool ScalesModelInput => false;

    public void SetTimesteps(int steps, TimestepOptions? options = null)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 1");
        if (options?.Sigmas is not null) throw new ArgumentException($"{Name} takes no custom sigmas", nameof(options));
        var last = _lastTimestep;
        _timesteps = _config.TimestepSpacing switch
        {
            TimestepSpacing.Linspace => NumpyMath.Linspace(0, last - 1, steps + 1).Reverse().Take(steps).Select(v => (long)NumpyMath.Round(v)).ToArray(),
            TimestepSpacing.Leading => Enumerable.Range(1, steps).Reverse().Select(i => (long)i * (last / (steps + 1)) + _config.StepsOffset).ToArray(),
            TimestepSpacing.Trailing => NumpyMath.Arange(last, 0, -(double)_config.Betas.TrainTimesteps / steps).Select(v => (long)NumpyMath.Round(v) - 1).ToArray(),
            _ => throw new ArgumentException($"timestep_spacing '{_config.TimestepSpacing}' is not implemented"),
        };
        var n = _timesteps.Length;
        if (n == 0) throw new ArgumentException($"{Name}: {steps} steps give no timestep");
        // σ at integer timesteps: np.interp picks the float32 training σ itself (clamped at the ends).
        _sigmas = new float[n + 1];
        for (var i = 0; i < n; i++) _sigmas[i] = (float)NumpyMath.Interp(_timesteps[i], _trainSigmas);
        _sigmas[n] = _config.FinalSigmasType == DpmSolverMultistepConfig.FinalSigmaMin ? DdpmSchedule.Sigma(_alphasCumprod[0]) : 0f;
        _timestepsOut = _timesteps.Select(v => (double)v).ToArray();
        _sigmasOut = _sigmas.Select(v => (double)v).ToArray();
        _lowerOrderNums = 0;
        _state.Reset(n);
    }

    public float ModelTimestep(int index) => _timesteps[index];

    public void ScaleModelInput(int index, ReadOnlySpan<float> sample, Span<float> destination) => sample.CopyTo(destination);

    public void Step(int index, ReadOnlySpan<float> modelOutput, Span<float> sample)
    {
        if (modelOutput.Length != sample.Length) throw new ArgumentException("the model output and the sample differ in length");
        _state.Advance(Name, index);
        var n = _timesteps.Length;
        var order = _config.SolverOrder;
        var lowerOrderFinal = index == n - 1 &&
            (_config.EulerAtFinal || (_config.LowerOrderFinal && n < 15) || _config.FinalSigmasType == DpmSolverMultistepConfig.FinalZero);
        var lowerOrderSecond = index == n - 2 && _config.LowerOrderFinal && n < 15;

        // The newest converted output goes last; the oldest buffer is reused for it.
        EnsureHistory(order, sample.Length);
        var newest = _history[0];
        Array.Copy(_history, 1, _history, 0, order - 1);
        _history[order - 1] = newest;
        Convert(index, modelOutput, sample, newest);

        if (order == 1 || _lowerOrderNums < 1 || lowerOrderFinal) FirstOrder(index, sample);
        else if (order == 2 || _lowerOrderNums < 2 || lowerOrderSecond) SecondOrder(index, sample);
        else ThirdOrder(index, sample);
        if (_lowerOrderNums < order) _lowerOrderNums++;
    }

    /// <summary>The model output as the algorithm integrates it: x̂₀ for DPM-Solver++, ε̂ for DPM-Solver (convert_model_output).</summary>
    private void Convert(int index, ReadOnlySpan<float> output, ReadOnlySpan<float> sample, float[] converted)
    {
        var (alpha, sigma) = AlphaSigma(_sigmas[index]);
        var prediction = _config.PredictionType;
        var dataPrediction = _config.AlgorithmType == DpmSolverMultistepConfig.DpmSolverPlusPlus;
        for (var j = 0; j < converted.Length; j++)
        {
            float m = output[j], x = sample[j];
            converted[j] = (dataPrediction, prediction) switch
            {
                (true, PredictionType.Epsilon) => (x - sigma * m) / alpha,
                (true, PredictionType.VPrediction) => alpha * x - sigma * m,
                (true, _) => m, // sample
                (false, PredictionType.Epsilon) => m,
                (false, PredictionType.VPrediction) => alpha * m + sigma * x,
                (false, _) => (x - alpha * m) / sigma,
            };
        }
    }

    private bool PlusPlus => _config.AlgorithmType == DpmSolverMultistepConfig.DpmSolverPlusPlus;

    private void FirstOrder(int index, Span<float> sample)
    {
        var (alphaT, sigmaT) = AlphaSigma(_sigmas[index + 1]);
        var (alphaS, sigmaS) = AlphaSigma(_sigmas[index]);
        var h = Lambda(alphaT, sigmaT) - Lambda(alphaS, sigmaS);
        float cx, cm;
        if (PlusPlus) { cx = sigmaT / sigmaS; cm = alphaT * (MathF.Exp(-h) - 1f); }
        else { cx = alphaT / alphaS; cm = sigmaT * (MathF.Exp(h) - 1f); }
        var m0 = _history[^1];
        for (var j = 0; j < sample.Length; j++) sample[j] = cx * sample[j] - cm * m0[j];
    }

    private void SecondOrder(int index, Span<float> sample)
    {
        var (alphaT, sigmaT) = AlphaSigma(_sigmas[index + 1]);
        var (alphaS0, sigmaS0) = AlphaSigma(_sigmas[index]);
        var (alphaS1, sigmaS1) = AlphaSigma(_sigmas[index - 1]);
        float lambdaT = Lambda(alphaT, sigmaT), lambdaS0 = Lambda(alphaS0, sigmaS0), lambdaS1 = Lambda(alphaS1, sigmaS1);
        float h = lambdaT - lambdaS0, h0 = lambdaS0 - lambdaS1;
        var r0 = h0 / h;
        var inverseR0 = 1f / r0;
        float cx, c0, c1;
        var midpoint = _config.SolverType == DpmSolverMultistepConfig.Midpoint;
        if (PlusPlus)
        {
            cx = sigmaT / sigmaS0;
            c0 = alphaT * (MathF.Exp(-h) - 1f);
            c1 = midpoint ? 0.5f * c0 : alphaT * ((MathF.Exp(-h) - 1f) / h + 1f);
        }
        else
        {
            cx = alphaT / alphaS0;
            c0 = sigmaT * (MathF.Exp(h) - 1f);
            c1 = midpoint ? 0.5f * c0 : sigmaT * ((MathF.Exp(h) - 1f) / h - 1f);
        }
        var c1Sign = PlusPlus && !midpoint ? 1f : -1f;
        float[] m0 = _history[^1], m1 = _history[^2];
        for (var j = 0; j < sample.Length; j++)
        {
            var d1 = inverseR0 * (m0[j] - m1[j]);
            var a = cx * sample[j] - c0 * m0[j];
            sample[j] = c1Sign > 0 ? a + c1 * d1 : a - c1 * d1;
        }
    }

    private void ThirdOrder(int index, Span<float> sample)
    {
        var (alphaT, sigmaT) = AlphaSigma(_sigmas[index + 1]);
        var (alphaS0, sigmaS0) = AlphaSigma(_sigmas[index]);
        var (alphaS1, sigmaS1) = AlphaSigma(_sigmas[index - 1]);
        var (alphaS2, sigmaS2) = AlphaSigma(_sigmas[index - 2]);
        float lambdaT = Lambda(alphaT, sigmaT), lambdaS0 = Lambda(alphaS0, sigmaS0);
        float lambdaS1 = Lambda(alphaS1, sigmaS1), lambdaS2 = Lambda(alphaS2, sigmaS2);
        float h = lambdaT - lambdaS0, h0 = lambdaS0 - lambdaS1, h1 = lambdaS1 - lambdaS2;
        float r0 = h0 / h, r1 = h1 / h;
        float a = 1f / r0, b = 1f / r1, c = r0 / (r0 + r1), d = 1f / (r0 + r1);
        float cx, c0, c1, c2;
        if (PlusPlus)
        {
            cx = sigmaT / sigmaS0;
            c0 = alphaT * (MathF.Exp(-h) - 1f);
            c1 = alphaT * ((MathF.Exp(-h) - 1f) / h + 1f);
            c2 = alphaT * ((MathF.Exp(-h) - 1f + h) / (h * h) - 0.5f);
        }
        else
        {
            cx = alphaT / alphaS0;
            c0 = sigmaT * (MathF.Exp(h) - 1f);
            c1 = sigmaT * ((MathF.Exp(h) - 1f) / h - 1f);
            c2 = sigmaT * ((MathF.Exp(h) - 1f - h) / (h * h) - 0.5f);
        }
        float[] m0 = _history[^1], m1 = _history[^2], m2 = _history[^3];
        for (var j = 0; j < sample.Length; j++)
        {
            float d10 = a * (m0[j] - m1[j]), d11 = b * (m1[j] - m2[j]);
            var d1 = d10 + c * (d10 - d11);
            var d2 = d * (d10 - d11);
            sample[j] = PlusPlus
                ? cx * sample[j] - c0 * m0[j] + c1 * d1 - c2 * d2
                : cx * sample[j] - c0 * m0[j] - c1 * d1 - c2 * d2;
        }
    }

    private void EnsureHistory(int order, int length)
    {
        if (_history.Length == order && _history[0].Length == length) return;
        _history = new float[order][];
        for (var i = 0; i < order; i++) _history[i] = new float[length];
    }

    /// <summary>α_t = 1/√(σ²+1), σ_t = σ·α_t (diffusers' _sigma_to_alpha_sigma_t for VP schedules), in float32 as torch.</summary>
    private static (float Alpha, float Sigma) AlphaSigma(float sigma)
    {
        var alpha = 1f / MathF.Sqrt(sigma * sigma + 1f);
        return (alpha, sigma * alpha);
    }

    /// <summary>λ = log α_t − log σ_t; +∞ at σ = 0, which makes the final step return x̂₀ (or its DPM-Solver counterpart).</summary>
    private static float Lambda(float alpha, float sigma) => MathF.Log(alpha) - MathF.Log(sigma);

    /// <summary>
    /// torch.searchsorted(flip(λ_t), lambda_min_clipped): how many training timesteps, counted from the
    /// end, have λ below the clip (λ_t = log √ᾱ − log √(1 − ᾱ) in float32 values).
    /// </summary>
    private static int ClippedCount(float[] alphasCumprod, double lambdaMin)
    {
        var count = 0;
        for (var t = alphasCumprod.Length - 1; t >= 0; t--)
        {
            var lambda = MathF.Log(MathF.Sqrt(alphasCumprod[t])) - MathF.Log(MathF.Sqrt(1f - alphasCumprod[t]));
            if (!(lambda < lambdaMin)) break;
            count++;
        }
        return count;
    }
}
