namespace Jano.Core.Schedulers;

/// <summary>
/// diffusers' DPMSolverMultistepScheduler (PixArt's default): DPM-Solver++ or DPM-Solver of order
/// 1–3 over the DDPM schedule. Refused: the SDE variants (they draw noise), thresholding, karras /
/// exponential / beta / lu-lambda / flow sigmas, flow_prediction, and later diffusers versions'
/// dynamic shifting.
/// </summary>
/// <remarks>
/// variance_type "learned" / "learned_range" says the model's output carries variance channels after
/// the prediction. diffusers' convert_model_output then keeps <c>model_output[:, :3]</c> (for ε
/// prediction), while its pipelines (PixArt) already keep only the first half of the channels before
/// calling step. Our pipeline drops the variance channels before the scheduler the same way, so the
/// scheduler always receives the prediction alone and the option changes nothing here.
/// </remarks>
public sealed record DpmSolverMultistepConfig : SchedulerConfig
{
    public const string Name = "DPMSolverMultistepScheduler";
    public override string ClassName => Name;

    public const string DpmSolverPlusPlus = "dpmsolver++";
    public const string DpmSolver = "dpmsolver";
    public const string Midpoint = "midpoint";
    public const string Heun = "heun";
    public const string FinalZero = "zero";
    public const string FinalSigmaMin = "sigma_min";

    public BetaScheduleConfig Betas { get; init; } = new();
    public int SolverOrder { get; init; } = 2;
    public string PredictionType { get; init; } = Schedulers.PredictionType.Epsilon;
    public string AlgorithmType { get; init; } = DpmSolverPlusPlus;
    public string SolverType { get; init; } = Midpoint;
    public bool LowerOrderFinal { get; init; } = true;
    public bool EulerAtFinal { get; init; }
    public string FinalSigmasType { get; init; } = FinalZero;
    public double LambdaMinClipped { get; init; } = double.NegativeInfinity;
    public string? VarianceType { get; init; }
    public string TimestepSpacing { get; init; } = Schedulers.TimestepSpacing.Linspace;
    public int StepsOffset { get; init; }

    public static DpmSolverMultistepConfig Parse(System.Text.Json.JsonElement? config)
    {
        var r = new SchedulerOptionReader(Name, config);
        var betas = BetaScheduleConfig.Read(r);
        var order = r.Int("solver_order", 2);
        if (order is < 1 or > 3) throw r.Error("solver_order", $"is {order}; allowed: 1, 2, 3");
        // diffusers' constructor maps the retired "deis" to dpmsolver++ and "logrho", "bh1", "bh2" to midpoint.
        var algorithm = r.String("algorithm_type", DpmSolverPlusPlus) switch
        {
            "deis" => DpmSolverPlusPlus,
            var a => a,
        };
        if (algorithm is not (DpmSolverPlusPlus or DpmSolver))
            throw r.Error("algorithm_type", $"is '{algorithm}'; this runtime implements: {DpmSolverPlusPlus}, {DpmSolver} (the SDE variants draw noise)");
        var solver = r.String("solver_type", Midpoint) switch
        {
            "logrho" or "bh1" or "bh2" => Midpoint,
            var s => s,
        };
        if (solver is not (Midpoint or Heun)) throw r.Error("solver_type", $"is '{solver}'; allowed: {Midpoint}, {Heun}");
        var final = r.Choice("final_sigmas_type", FinalZero, FinalZero, FinalSigmaMin);
        if (algorithm == DpmSolver && final == FinalZero)
            throw r.Error("final_sigmas_type", $"is '{FinalZero}', which diffusers refuses for algorithm_type '{DpmSolver}' (allowed: '{FinalSigmaMin}')");
        var prediction = r.Choice("prediction_type", Schedulers.PredictionType.Epsilon,
            Schedulers.PredictionType.Epsilon, Schedulers.PredictionType.VPrediction, Schedulers.PredictionType.Sample);
        var variance = r.String("variance_type", null);
        if (variance is not (null or "learned" or "learned_range"))
            throw r.Error("variance_type", $"is '{variance}'; allowed: null, learned, learned_range");
        var clipped = r.Double("lambda_min_clipped", double.NegativeInfinity);
        if (double.IsNaN(clipped)) throw r.Error("lambda_min_clipped", "is NaN");
        r.RequireDefault("thresholding", false);
        r.Double("dynamic_thresholding_ratio", 0.995); // thresholding only
        r.Double("sample_max_value", 1.0);
        r.RequireDefault("use_karras_sigmas", false);
        r.RequireDefault("use_exponential_sigmas", false);
        r.RequireDefault("use_beta_sigmas", false);
        r.RequireDefault("use_lu_lambdas", false);
        r.RequireDefault("use_flow_sigmas", false);
        r.Double("flow_shift", 1.0); // flow sigmas only
        // Options of later diffusers versions: accepted at the value that behaves as v0.32.2.
        r.RequireDefault("use_dynamic_shifting", false);
        r.RequireDefault("time_shift_type", "exponential");
        return new DpmSolverMultistepConfig
        {
            Betas = betas,
            SolverOrder = order,
            PredictionType = prediction,
            AlgorithmType = algorithm,
            SolverType = solver,
            LowerOrderFinal = r.Bool("lower_order_final", true),
            EulerAtFinal = r.Bool("euler_at_final", false),
            FinalSigmasType = final,
            LambdaMinClipped = clipped,
            VarianceType = variance,
            TimestepSpacing = r.Choice("timestep_spacing", Schedulers.TimestepSpacing.Linspace,
                Schedulers.TimestepSpacing.Linspace, Schedulers.TimestepSpacing.Leading, Schedulers.TimestepSpacing.Trailing),
            StepsOffset = r.Int("steps_offset", 0),
            IgnoredOptions = r.UnreadKeys(),
        };
    }
}
