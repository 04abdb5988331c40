namespace Jano.Core.Schedulers;

/// <summary>
/// The DDPM noise schedule shared by DDIM, DPM-Solver and Euler: betas over
/// <see cref="TrainTimesteps"/> training steps, from a named schedule or a trained list.
/// </summary>
public sealed record BetaScheduleConfig
{
    public const string Linear = "linear";
    public const string ScaledLinear = "scaled_linear";
    public const string SquaredCosCapV2 = "squaredcos_cap_v2";

    public int TrainTimesteps { get; init; } = 1000;
    public double BetaStart { get; init; } = 0.0001;
    public double BetaEnd { get; init; } = 0.02;
    public string Schedule { get; init; } = Linear;
    /// <summary>diffusers' trained_betas: when set, they replace the named schedule.</summary>
    public double[]? TrainedBetas { get; init; }
    /// <summary>Rescale to zero terminal SNR (arXiv 2305.08891, algorithm 1).</summary>
    public bool RescaleZeroTerminalSnr { get; init; }

    internal static BetaScheduleConfig Read(SchedulerOptionReader r)
    {
        var steps = r.Int("num_train_timesteps", 1000);
        if (steps < 2) throw r.Error("num_train_timesteps", $"must be at least 2, found {steps}");
        var trained = r.DoubleArray("trained_betas");
        if (trained is not null && trained.Length != steps)
            throw r.Error("trained_betas", $"lists {trained.Length} betas, num_train_timesteps is {steps}");
        var start = r.Double("beta_start", 0.0001);
        var end = r.Double("beta_end", 0.02);
        // diffusers reads beta_schedule only without trained_betas.
        var schedule = trained is null ? r.Choice("beta_schedule", Linear, Linear, ScaledLinear, SquaredCosCapV2) : r.String("beta_schedule", Linear)!;
        if (trained is null && schedule != SquaredCosCapV2)
        {
            if (!(start >= 0 && start < 1)) throw r.Error("beta_start", $"must be in [0, 1), found {start}");
            if (!(end > 0 && end < 1)) throw r.Error("beta_end", $"must be in (0, 1), found {end}");
        }
        return new BetaScheduleConfig
        {
            TrainTimesteps = steps,
            BetaStart = start,
            BetaEnd = end,
            Schedule = schedule,
            TrainedBetas = trained,
            RescaleZeroTerminalSnr = r.Bool("rescale_betas_zero_snr", false),
        };
    }
}
