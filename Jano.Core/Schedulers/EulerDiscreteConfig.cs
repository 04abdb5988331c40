namespace Jano.Core.Schedulers;

/// <summary>
/// diffusers' EulerDiscreteScheduler, deterministic (s_churn = 0, as pipelines call it): σ from the
/// DDPM schedule, the model input scaled by 1/√(σ²+1). Refused: log_linear interpolation, karras /
/// exponential / beta sigmas, continuous timesteps for v-prediction.
/// </summary>
public sealed record EulerDiscreteConfig : SchedulerConfig
{
    public const string Name = "EulerDiscreteScheduler";
    public override string ClassName => Name;

    /// <summary>diffusers' step also accepts "original_sample" as a synonym of "sample".</summary>
    public const string OriginalSample = "original_sample";

    public BetaScheduleConfig Betas { get; init; } = new();
    public string PredictionType { get; init; } = Schedulers.PredictionType.Epsilon;
    public string TimestepSpacing { get; init; } = Schedulers.TimestepSpacing.Linspace;
    public int StepsOffset { get; init; }
    public string FinalSigmasType { get; init; } = DpmSolverMultistepConfig.FinalZero;

    public static EulerDiscreteConfig Parse(System.Text.Json.JsonElement? config)
    {
        var r = new SchedulerOptionReader(Name, config);
        var betas = BetaScheduleConfig.Read(r);
        var prediction = r.Choice("prediction_type", Schedulers.PredictionType.Epsilon,
            Schedulers.PredictionType.Epsilon, Schedulers.PredictionType.VPrediction, Schedulers.PredictionType.Sample, OriginalSample);
        r.Choice("interpolation_type", "linear", "linear");
        r.RequireDefault("use_karras_sigmas", false);
        r.RequireDefault("use_exponential_sigmas", false);
        r.RequireDefault("use_beta_sigmas", false);
        r.OptionalDouble("sigma_min"); // karras / exponential / beta sigmas only
        r.OptionalDouble("sigma_max");
        var timestepType = r.Choice("timestep_type", "discrete", "discrete", "continuous");
        if (timestepType == "continuous" && prediction == Schedulers.PredictionType.VPrediction)
            throw r.Error("timestep_type", "is 'continuous' with v_prediction (timesteps 0.25·ln σ), which this runtime does not implement (allowed: 'discrete')");
        return new EulerDiscreteConfig
        {
            Betas = betas,
            PredictionType = prediction,
            TimestepSpacing = r.Choice("timestep_spacing", Schedulers.TimestepSpacing.Linspace,
                Schedulers.TimestepSpacing.Linspace, Schedulers.TimestepSpacing.Leading, Schedulers.TimestepSpacing.Trailing),
            StepsOffset = r.Int("steps_offset", 0),
            FinalSigmasType = r.Choice("final_sigmas_type", DpmSolverMultistepConfig.FinalZero, DpmSolverMultistepConfig.FinalZero, DpmSolverMultistepConfig.FinalSigmaMin),
            IgnoredOptions = r.UnreadKeys(),
        };
    }
}
