namespace Jano.Tests.Runtime.Schedulers;

/// <summary>scheduler_config.json texts as diffusers writes them (Python's json: -Infinity unquoted).</summary>
public static class SchedulerConfigsJson
{
    /// <summary>PixArt-alpha/PixArt-XL-2-1024-MS's scheduler config (the golden fixture's values).</summary>
    public const string PixArtDpmSolver = """
        {
          "_class_name": "DPMSolverMultistepScheduler",
          "_diffusers_version": "0.22.0.dev0",
          "algorithm_type": "dpmsolver++",
          "beta_end": 0.02,
          "beta_schedule": "linear",
          "beta_start": 0.0001,
          "dynamic_thresholding_ratio": 0.995,
          "euler_at_final": false,
          "final_sigmas_type": "zero",
          "lambda_min_clipped": -Infinity,
          "lower_order_final": true,
          "num_train_timesteps": 1000,
          "prediction_type": "epsilon",
          "sample_max_value": 1.0,
          "solver_order": 2,
          "solver_type": "midpoint",
          "steps_offset": 0,
          "thresholding": false,
          "timestep_spacing": "linspace",
          "trained_betas": null,
          "use_karras_sigmas": false,
          "use_lu_lambdas": false,
          "variance_type": null
        }
        """;

    /// <summary>An SD-style Euler config: scaled_linear betas, leading spacing, the input scaled by 1/√(σ²+1).</summary>
    public const string Euler = """
        {
          "_class_name": "EulerDiscreteScheduler",
          "beta_end": 0.012,
          "beta_schedule": "scaled_linear",
          "beta_start": 0.00085,
          "num_train_timesteps": 1000,
          "prediction_type": "epsilon",
          "timestep_spacing": "leading",
          "steps_offset": 1
        }
        """;
}
