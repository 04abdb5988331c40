namespace Jano.Core.Schedulers;

/// <summary>
/// diffusers' FlowMatchEulerDiscreteScheduler (SD3, FLUX): rectified flow, σ from 1 to 1/T shifted
/// statically (<see cref="Shift"/>) or by the image size (<see cref="UseDynamicShifting"/>, μ).
/// Refused: karras / exponential / beta sigmas, and options of later diffusers versions at
/// non-default values (time_shift_type, stochastic_sampling).
/// </summary>
public sealed record FlowMatchEulerDiscreteConfig : SchedulerConfig
{
    public const string Name = "FlowMatchEulerDiscreteScheduler";
    public override string ClassName => Name;

    public int TrainTimesteps { get; init; } = 1000;
    public double Shift { get; init; } = 1.0;
    public bool UseDynamicShifting { get; init; }
    public double BaseShift { get; init; } = 0.5;
    public double MaxShift { get; init; } = 1.15;
    public int BaseImageSeqLen { get; init; } = 256;
    public int MaxImageSeqLen { get; init; } = 4096;
    public bool InvertSigmas { get; init; }
    /// <summary>Stretch the schedule so its last σ is this value; null (or 0, which diffusers treats as unset) for none.</summary>
    public double? ShiftTerminal { get; init; }

    public static FlowMatchEulerDiscreteConfig Parse(System.Text.Json.JsonElement? config)
    {
        var r = new SchedulerOptionReader(Name, config);
        var steps = r.Int("num_train_timesteps", 1000);
        if (steps < 1) throw r.Error("num_train_timesteps", $"must be positive, found {steps}");
        var shift = r.Double("shift", 1.0);
        if (!(shift > 0) || double.IsInfinity(shift)) throw r.Error("shift", $"must be a positive number, found {shift}");
        var dynamic = r.Bool("use_dynamic_shifting", false);
        var baseLen = r.Int("base_image_seq_len", 256);
        var maxLen = r.Int("max_image_seq_len", 4096);
        if (dynamic && baseLen == maxLen) throw r.Error("max_image_seq_len", $"equals base_image_seq_len ({baseLen}); μ is interpolated between them");
        var terminal = r.OptionalDouble("shift_terminal");
        if (terminal is 0) terminal = null; // `if self.config.shift_terminal:` is false for 0
        if (terminal is { } t && !(t < 1)) throw r.Error("shift_terminal", $"must be below 1, found {t}");
        r.RequireDefault("use_karras_sigmas", false);
        r.RequireDefault("use_exponential_sigmas", false);
        r.RequireDefault("use_beta_sigmas", false);
        // Options of later diffusers versions: accepted at the value that behaves as v0.32.2.
        r.RequireDefault("time_shift_type", "exponential");
        r.RequireDefault("stochastic_sampling", false);
        return new FlowMatchEulerDiscreteConfig
        {
            TrainTimesteps = steps,
            Shift = shift,
            UseDynamicShifting = dynamic,
            BaseShift = r.Double("base_shift", 0.5),
            MaxShift = r.Double("max_shift", 1.15),
            BaseImageSeqLen = baseLen,
            MaxImageSeqLen = maxLen,
            InvertSigmas = r.Bool("invert_sigmas", false),
            ShiftTerminal = terminal,
            IgnoredOptions = r.UnreadKeys(),
        };
    }

    /// <summary>
    /// μ for dynamic shifting, as FluxPipeline's calculate_shift computes it from this config: linear in
    /// the image sequence length between (base_image_seq_len, base_shift) and (max_image_seq_len, max_shift).
    /// </summary>
    public double Mu(int imageSeqLen)
    {
        var m = (MaxShift - BaseShift) / (MaxImageSeqLen - BaseImageSeqLen);
        var b = BaseShift - m * BaseImageSeqLen;
        return imageSeqLen * m + b;
    }
}
