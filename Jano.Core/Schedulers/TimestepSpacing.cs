namespace Jano.Core.Schedulers;

/// <summary>diffusers' timestep_spacing values (Table 2 of arXiv 2305.08891).</summary>
public static class TimestepSpacing
{
    public const string Linspace = "linspace";
    public const string Leading = "leading";
    public const string Trailing = "trailing";
}

/// <summary>diffusers' prediction_type values: what the model's output is.</summary>
public static class PredictionType
{
    public const string Epsilon = "epsilon";
    public const string VPrediction = "v_prediction";
    public const string Sample = "sample";
}
