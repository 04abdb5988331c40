using Jano.Core.Schedulers;

namespace Jano.Runtime.Schedulers;

/// <summary>
/// The DDPM noise schedule as diffusers builds it in PyTorch float32: betas (torch.linspace in
/// float32, the cosine schedule in Python floats), α = 1 − β in float32, ᾱ = cumprod(α) (PyTorch's CPU
/// cumprod accumulates in double and stores float32). DDIM, DPM-Solver and Euler take their
/// constants from here, so they round as diffusers' do.
/// </summary>
internal static class DdpmSchedule
{
    /// <summary>ᾱ_t for t = 0 … T−1, as float32 values.</summary>
    public static float[] AlphasCumprod(BetaScheduleConfig c)
    {
        var betas = Betas(c);
        if (c.RescaleZeroTerminalSnr) betas = RescaleZeroTerminalSnr(betas);
        return Cumprod(OneMinus(betas));
    }

    /// <summary>σ_t = √((1 − ᾱ_t)/ᾱ_t) in float32 (diffusers' <c>((1 - alphas_cumprod) / alphas_cumprod) ** 0.5</c>).</summary>
    public static float[] Sigmas(ReadOnlySpan<float> alphasCumprod)
    {
        var s = new float[alphasCumprod.Length];
        for (var t = 0; t < s.Length; t++) s[t] = Sigma(alphasCumprod[t]);
        return s;
    }

    public static float Sigma(float alphaCumprod) => MathF.Sqrt((1f - alphaCumprod) / alphaCumprod);

    public static float[] Betas(BetaScheduleConfig c)
    {
        if (c.TrainedBetas is { } trained) return trained.Select(b => (float)b).ToArray();
        return c.Schedule switch
        {
            BetaScheduleConfig.Linear => TorchLinspace(c.BetaStart, c.BetaEnd, c.TrainTimesteps),
            // torch.linspace(beta_start**0.5, beta_end**0.5, T) ** 2: Python's ** is C pow; the square is float32.
            BetaScheduleConfig.ScaledLinear => TorchLinspace(Math.Pow(c.BetaStart, 0.5), Math.Pow(c.BetaEnd, 0.5), c.TrainTimesteps).Select(b => b * b).ToArray(),
            BetaScheduleConfig.SquaredCosCapV2 => CosineBetas(c.TrainTimesteps),
            _ => throw new ArgumentException($"beta_schedule '{c.Schedule}' is not implemented"),
        };
    }

    /// <summary>
    /// torch.linspace(start, end, steps, dtype=float32) as PyTorch's CPU kernel computes it in its AVX2
    /// build (8-wide float vectors, a·b + c contracted to fused multiply-adds by the compiler):
    /// step = (end − start)/(steps − 1) in float32; whole pairs of vectors take a base value
    /// (start + step·i in the first half of the range, end − step·(steps − 1 − i) in the second) plus
    /// j·step in lane j; the tail uses the base formula per element. This reproduces diffusers' float32
    /// betas bit for bit (the golden fixtures' ᾱ for linear and σ for scaled_linear betas); the plain
    /// per-element formula differs in 195 of 1000 ᾱ, 16-wide vectors (an AVX-512 build) in 401.
    /// </summary>
    public static float[] TorchLinspace(double start, double end, int steps)
    {
        const int lanes = 8;
        var s = (float)start;
        var e = (float)end;
        var result = new float[steps];
        if (steps == 1) { result[0] = s; return result; }
        var step = (e - s) / (steps - 1);
        var halfway = steps / 2;
        float Element(int i) => i < halfway ? MathF.FusedMultiplyAdd(step, i, s) : MathF.FusedMultiplyAdd(-step, steps - i - 1, e);
        var vectorized = steps / (2 * lanes) * (2 * lanes); // the kernel's loop takes two vectors at a time
        for (var i = 0; i < vectorized; i += lanes)
        {
            var b = Element(i);
            result[i] = b;
            for (var j = 1; j < lanes; j++) result[i + j] = MathF.FusedMultiplyAdd(j, step, b);
        }
        for (var i = vectorized; i < steps; i++) result[i] = Element(i);
        return result;
    }

    /// <summary>diffusers' betas_for_alpha_bar with the cosine ᾱ(t) = cos²((t + 0.008)/1.008 · π/2), β ≤ 0.999, in Python floats, stored as float32.</summary>
    public static float[] CosineBetas(int steps)
    {
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        var betas = new float[steps];
        for (var i = 0; i < steps; i++)
        {
            var t1 = (double)i / steps;
            var t2 = (double)(i + 1) / steps;
            betas[i] = (float)Math.Min(1 - AlphaBar(t2) / AlphaBar(t1), 0.999);
        }
        return betas;
    }

    /// <summary>diffusers' rescale_zero_terminal_snr (arXiv 2305.08891, algorithm 1) in float32.</summary>
    public static float[] RescaleZeroTerminalSnr(float[] betas)
    {
        var sqrtBar = Cumprod(OneMinus(betas)).Select(MathF.Sqrt).ToArray();
        float first = sqrtBar[0], last = sqrtBar[^1];
        var scale = first / (first - last);
        for (var i = 0; i < sqrtBar.Length; i++) sqrtBar[i] = (sqrtBar[i] - last) * scale;
        var result = new float[betas.Length];
        var previous = 0f;
        for (var i = 0; i < result.Length; i++)
        {
            var bar = sqrtBar[i] * sqrtBar[i];
            result[i] = 1f - (i == 0 ? bar : bar / previous);
            previous = bar;
        }
        return result;
    }

    private static float[] OneMinus(float[] values) => values.Select(v => 1f - v).ToArray();

    private static float[] Cumprod(float[] values)
    {
        var result = new float[values.Length];
        double product = 1;
        for (var i = 0; i < values.Length; i++)
        {
            product *= values[i];
            result[i] = (float)product;
        }
        return result;
    }
}
