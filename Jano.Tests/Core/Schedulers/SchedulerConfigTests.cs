using Jano.Core.Schedulers;

namespace Jano.Tests.Core.Schedulers;

/// <summary>
/// What the runtime can run, decided from (class name, scheduler_config.json): diffusers' defaults
/// for missing keys and nulls, Python's -Infinity, diffusers' own renamings; everything it does not
/// implement refused with one line naming the class, the option and what is allowed.
/// </summary>
[TestFixture]
public sealed class SchedulerConfigTests
{
    private static SchedulerConfig Parse(string className, string json) => SchedulerConfigs.Parse(className, DiffusersJson.Parse(json));

    private static SchedulerConfigException Refused(string className, string json, string option)
    {
        var e = Assert.Throws<SchedulerConfigException>(() => Parse(className, json))!;
        Assert.That(e, Is.InstanceOf<ArgumentException>());
        Assert.That(e.Option, Is.EqualTo(option));
        Assert.That(e.Message, Does.StartWith($"{className}: option '{option}' "));
        Assert.That(e.Message, Does.Not.Contain("\n"), "one line");
        return e;
    }

    [Test]
    public void NoConfigMeansDiffusersDefaults()
    {
        var flow = (FlowMatchEulerDiscreteConfig)SchedulerConfigs.Parse(FlowMatchEulerDiscreteConfig.Name, null);
        Assert.That((flow.TrainTimesteps, flow.Shift, flow.UseDynamicShifting, flow.BaseShift, flow.MaxShift, flow.BaseImageSeqLen, flow.MaxImageSeqLen),
            Is.EqualTo((1000, 1.0, false, 0.5, 1.15, 256, 4096)));
        var dpm = (DpmSolverMultistepConfig)SchedulerConfigs.Parse(DpmSolverMultistepConfig.Name, null);
        Assert.That((dpm.SolverOrder, dpm.AlgorithmType, dpm.SolverType, dpm.LowerOrderFinal, dpm.FinalSigmasType, dpm.TimestepSpacing, dpm.LambdaMinClipped),
            Is.EqualTo((2, "dpmsolver++", "midpoint", true, "zero", "linspace", double.NegativeInfinity)));
        var ddim = (DdimConfig)SchedulerConfigs.Parse(DdimConfig.Name, null);
        Assert.That((ddim.ClipSample, ddim.SetAlphaToOne, ddim.TimestepSpacing, ddim.Betas.Schedule), Is.EqualTo((true, true, "leading", "linear")), "DDIM clips by default");
        var euler = (EulerDiscreteConfig)SchedulerConfigs.Parse(EulerDiscreteConfig.Name, null);
        Assert.That((euler.PredictionType, euler.TimestepSpacing, euler.FinalSigmasType), Is.EqualTo(("epsilon", "linspace", "zero")));
    }

    [Test]
    public void NullValuesTakeTheDefaultAndMetadataKeysAreSkipped()
    {
        var dpm = (DpmSolverMultistepConfig)Parse(DpmSolverMultistepConfig.Name,
            """{"_class_name": "DPMSolverMultistepScheduler", "_diffusers_version": "0.22.0", "solver_order": null, "trained_betas": null, "variance_type": null}""");
        Assert.That(dpm.SolverOrder, Is.EqualTo(2));
        Assert.That(dpm.Betas.TrainedBetas, Is.Null);
        Assert.That(dpm.IgnoredOptions, Is.Empty);
    }

    [Test]
    public void PythonsInfinityLiteralIsReadAsANumber()
    {
        var dpm = (DpmSolverMultistepConfig)Parse(DpmSolverMultistepConfig.Name, """{"lambda_min_clipped": -Infinity}""");
        Assert.That(dpm.LambdaMinClipped, Is.EqualTo(double.NegativeInfinity));
        var clipped = (DpmSolverMultistepConfig)Parse(DpmSolverMultistepConfig.Name, """{"lambda_min_clipped": -5.1}""");
        Assert.That(clipped.LambdaMinClipped, Is.EqualTo(-5.1));
    }

    [Test]
    public void KeysTheClassDoesNotHaveAreIgnoredAsDiffusersDoesAndListed()
    {
        var dpm = Parse(DpmSolverMultistepConfig.Name, """{"skip_prk_steps": true, "solver_order": 2, "clip_sample": false}""");
        Assert.That(dpm.IgnoredOptions, Is.EqualTo(new[] { "skip_prk_steps", "clip_sample" }));
    }

    [Test]
    public void DiffusersRenamingsOfRetiredValuesApply()
    {
        var dpm = (DpmSolverMultistepConfig)Parse(DpmSolverMultistepConfig.Name, """{"algorithm_type": "deis", "solver_type": "bh2"}""");
        Assert.That((dpm.AlgorithmType, dpm.SolverType), Is.EqualTo(("dpmsolver++", "midpoint")));
    }

    [Test]
    public void AnUnknownClassIsRefusedWithTheListOfClasses()
    {
        var e = Assert.Throws<SchedulerConfigException>(() => SchedulerConfigs.Parse("PNDMScheduler", null))!;
        Assert.That(e.Option, Is.EqualTo("_class_name"));
        Assert.That(e.Message, Does.Contain("'PNDMScheduler'").And.Contain("FlowMatchEulerDiscreteScheduler").And.Contain("DPMSolverMultistepScheduler")
            .And.Contain("DDIMScheduler").And.Contain("EulerDiscreteScheduler"));
    }

    [TestCase(FlowMatchEulerDiscreteConfig.Name, "use_karras_sigmas", "true")]
    [TestCase(FlowMatchEulerDiscreteConfig.Name, "use_exponential_sigmas", "true")]
    [TestCase(FlowMatchEulerDiscreteConfig.Name, "use_beta_sigmas", "true")]
    [TestCase(FlowMatchEulerDiscreteConfig.Name, "time_shift_type", "\"linear\"")]
    [TestCase(FlowMatchEulerDiscreteConfig.Name, "stochastic_sampling", "true")]
    [TestCase(DpmSolverMultistepConfig.Name, "algorithm_type", "\"sde-dpmsolver++\"")]
    [TestCase(DpmSolverMultistepConfig.Name, "thresholding", "true")]
    [TestCase(DpmSolverMultistepConfig.Name, "use_karras_sigmas", "true")]
    [TestCase(DpmSolverMultistepConfig.Name, "use_exponential_sigmas", "true")]
    [TestCase(DpmSolverMultistepConfig.Name, "use_beta_sigmas", "true")]
    [TestCase(DpmSolverMultistepConfig.Name, "use_lu_lambdas", "true")]
    [TestCase(DpmSolverMultistepConfig.Name, "use_flow_sigmas", "true")]
    [TestCase(DpmSolverMultistepConfig.Name, "prediction_type", "\"flow_prediction\"")]
    [TestCase(DpmSolverMultistepConfig.Name, "solver_order", "4")]
    [TestCase(DpmSolverMultistepConfig.Name, "solver_type", "\"rk4\"")]
    [TestCase(DpmSolverMultistepConfig.Name, "use_dynamic_shifting", "true")]
    [TestCase(DpmSolverMultistepConfig.Name, "variance_type", "\"fixed\"")]
    [TestCase(DpmSolverMultistepConfig.Name, "timestep_spacing", "\"karras\"")]
    [TestCase(DdimConfig.Name, "thresholding", "true")]
    [TestCase(DdimConfig.Name, "beta_schedule", "\"cosine\"")]
    [TestCase(DdimConfig.Name, "prediction_type", "\"flow_prediction\"")]
    [TestCase(EulerDiscreteConfig.Name, "interpolation_type", "\"log_linear\"")]
    [TestCase(EulerDiscreteConfig.Name, "use_karras_sigmas", "true")]
    [TestCase(EulerDiscreteConfig.Name, "final_sigmas_type", "\"one\"")]
    public void AnOptionThisRuntimeDoesNotImplementIsRefusedByName(string className, string option, string value)
    {
        var e = Refused(className, $$"""{"{{option}}": {{value}}}""", option);
        Assert.That(e.Message, Does.Contain(value.Trim('"')), "says what it found");
        Assert.That(e.Message, Does.Contain("allowed").Or.Contain("implements"), "says what is allowed");
    }

    [Test]
    public void RefusalsThatDependOnTwoOptionsNameTheOneToChange()
    {
        Refused(DpmSolverMultistepConfig.Name, """{"algorithm_type": "dpmsolver", "final_sigmas_type": "zero"}""", "final_sigmas_type");
        Assert.DoesNotThrow(() => Parse(DpmSolverMultistepConfig.Name, """{"algorithm_type": "dpmsolver", "final_sigmas_type": "sigma_min"}"""));
        Refused(EulerDiscreteConfig.Name, """{"timestep_type": "continuous", "prediction_type": "v_prediction"}""", "timestep_type");
        Assert.DoesNotThrow(() => Parse(EulerDiscreteConfig.Name, """{"timestep_type": "continuous"}"""), "continuous timesteps change nothing for ε");
        Refused(FlowMatchEulerDiscreteConfig.Name, """{"use_dynamic_shifting": true, "base_image_seq_len": 64, "max_image_seq_len": 64}""", "max_image_seq_len");
    }

    [TestCase("num_train_timesteps", "\"1000\"", "must be an integer")]
    [TestCase("shift", "true", "must be a number")]
    [TestCase("use_dynamic_shifting", "1", "must be true or false")]
    [TestCase("shift", "-2", "must be a positive number")]
    [TestCase("shift_terminal", "1.5", "must be below 1")]
    public void WrongValuesNameTheOption(string option, string value, string problem)
    {
        var e = Refused(FlowMatchEulerDiscreteConfig.Name, $$"""{"{{option}}": {{value}}}""", option);
        Assert.That(e.Problem, Does.StartWith(problem));
    }

    [Test]
    public void TrainedBetasMustMatchTheTrainingStepCount()
    {
        Refused(DdimConfig.Name, """{"num_train_timesteps": 4, "trained_betas": [0.1, 0.2, 0.3]}""", "trained_betas");
        var ddim = (DdimConfig)Parse(DdimConfig.Name, """{"num_train_timesteps": 3, "trained_betas": [0.1, 0.2, 0.3], "beta_schedule": "ignored when trained"}""");
        Assert.That(ddim.Betas.TrainedBetas, Is.EqualTo(new[] { 0.1, 0.2, 0.3 }));
    }

    [Test]
    public void ConfigMustBeAnObject()
    {
        var e = Assert.Throws<SchedulerConfigException>(() => SchedulerConfigs.Parse(DdimConfig.Name, DiffusersJson.Parse("[1, 2]")))!;
        Assert.That(e.Message, Does.Contain("must be a JSON object"));
    }

    [Test]
    public void FluxMuIsLinearInTheImageSequenceLength()
    {
        var flux = new FlowMatchEulerDiscreteConfig { UseDynamicShifting = true, BaseShift = 0.5, MaxShift = 1.15, BaseImageSeqLen = 256, MaxImageSeqLen = 4096 };
        Assert.That(flux.Mu(256), Is.EqualTo(0.5).Within(1e-15));
        Assert.That(flux.Mu(4096), Is.EqualTo(1.15).Within(1e-15));
        Assert.That(flux.Mu(1024), Is.EqualTo(0.5 + 0.65 * 768 / 3840).Within(1e-15));
    }
}
