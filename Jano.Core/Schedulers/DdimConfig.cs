namespace Jano.Core.Schedulers;

/// <summary>
/// diffusers' DDIMScheduler, deterministic (η = 0, as pipelines call it by default). Refused:
/// thresholding.
/// </summary>
public sealed record DdimConfig : SchedulerConfig
{
    public const string Name = "DDIMScheduler";
    public override string ClassName => Name;

    public BetaScheduleConfig Betas { get; init; } = new();
    /// <summary>Clamp x̂₀ to ±<see cref="ClipSampleRange"/>; diffusers' default is true.</summary>
    public bool ClipSample { get; init; } = true;
    public double ClipSampleRange { get; init; } = 1.0;
    public bool SetAlphaToOne { get; init; } = true;
    public int StepsOffset { get; init; }
    public string PredictionType { get; init; } = Schedulers.PredictionType.Epsilon;
    public string TimestepSpacing { get; init; } = Schedulers.TimestepSpacing.Leading;

    public static DdimConfig Parse(System.Text.Json.JsonElement? config)
    {
        var r = new SchedulerOptionReader(Name, config);
        var betas = BetaScheduleConfig.Read(r);
        r.RequireDefault("thresholding", false);
        r.Double("dynamic_thresholding_ratio", 0.995); // thresholding only
        r.Double("sample_max_value", 1.0);
        return new DdimConfig
        {
            Betas = betas,
            ClipSample = r.Bool("clip_sample", true),
            ClipSampleRange = r.Double("clip_sample_range", 1.0),
            SetAlphaToOne = r.Bool("set_alpha_to_one", true),
            StepsOffset = r.Int("steps_offset", 0),
            PredictionType = r.Choice("prediction_type", Schedulers.PredictionType.Epsilon,
                Schedulers.PredictionType.Epsilon, Schedulers.PredictionType.VPrediction, Schedulers.PredictionType.Sample),
            TimestepSpacing = r.Choice("timestep_spacing", Schedulers.TimestepSpacing.Leading,
                Schedulers.TimestepSpacing.Leading, Schedulers.TimestepSpacing.Trailing, Schedulers.TimestepSpacing.Linspace),
            IgnoredOptions = r.UnreadKeys(),
        };
    }
}
