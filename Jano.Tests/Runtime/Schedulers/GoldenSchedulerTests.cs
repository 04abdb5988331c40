using System.Globalization;
using System.Text.Json;
using Jano.Core.Schedulers;
using Jano.Runtime.Schedulers;

namespace Jano.Tests.Runtime.Schedulers;

/// <summary>
/// Our schedulers against diffusers v0.32.2 on its own fixtures (Jano.Tests/Fixtures/golden/schedulers,
/// written by tools/golden/gen_schedulers.py with Debian's torch 1.13, CPU, AVX2 kernels): each
/// scheduler built from the fixture's config and class name; the schedule (timesteps, σ,
/// init_noise_sigma) to 1e-9 relative (they are float32 values: in practice equal); the model
/// timestep as float32; then the fixture's S-step toy trajectory run from sample_0 with its model
/// outputs, every prev_sample compared.
/// <para>
/// Tolerances: flow-match Euler, DDIM and Euler use only +, −, ×, ÷ and √ in float32, which we do in
/// diffusers' order, so every sample must be bit-identical. DPM-Solver also takes log and exp, where
/// torch uses SLEEF and we the C library; they differ in the last bit for some arguments, after which
/// the trajectories differ by float32 rounding: the bound is 1e-6 of the step's largest |sample|
/// (the toy trajectory's random model outputs drive |sample| up to ~670, where one float32 ulp is
/// 6e-5, so an absolute bound would mean nothing); measured 3.3e-7.
/// </para>
/// </summary>
[TestFixture]
public sealed class GoldenSchedulerTests
{
    [TestCase("flowmatch_sd3", 0.0)]
    [TestCase("flowmatch_shift2", 0.0)]
    [TestCase("flowmatch_flux_dynamic", 0.0)]
    [TestCase("ddim", 0.0)]
    [TestCase("euler", 0.0)]
    [TestCase("dpmsolver_pixart", 1e-6)]
    [TestCase("dpmsolver_pixart_20", 1e-6)]
    public void MatchesDiffusers(string name, double relativeTolerance)
    {
        using var g = GoldenSchedulerCase.Open(name);
        Assert.That(g.Metadata["upstream"], Is.EqualTo("diffusers v0.32.2"));
        var scheduler = g.CreateScheduler();
        Assert.That(scheduler.Name, Is.EqualTo(g.ClassName));
        scheduler.SetTimesteps(g.Steps, SetTimestepsOptions(g));

        var timesteps = g.Float64("timesteps");
        Assert.That(scheduler.Steps, Is.EqualTo(timesteps.Length), "timestep count");
        AssertClose(scheduler.Timesteps.ToArray(), timesteps, "timesteps");
        for (var i = 0; i < timesteps.Length; i++)
            Assert.That(scheduler.ModelTimestep(i), Is.EqualTo((float)timesteps[i]), $"the transformer's timestep at step {i} (float32)");
        if (g.Has("sigmas")) AssertClose(scheduler.Sigmas.ToArray(), g.Float64("sigmas"), "sigmas");
        else Assert.That(scheduler.Sigmas.Length, Is.Zero, "no σ where diffusers has none");
        var initNoiseSigma = g.Has("init_noise_sigma") ? g.Float64("init_noise_sigma")[0] : 1.0;
        AssertClose([scheduler.InitNoiseSigma], [initNoiseSigma], "init_noise_sigma");
        if (scheduler is DdimScheduler ddim)
            Assert.That(ddim.AlphasCumprod.ToArray(), Is.EqualTo(g.Float32("alphas_cumprod")), "alphas_cumprod, bit for bit");

        var sample = g.Float32("sample_0");
        var input = new float[sample.Length];
        double worst = 0;
        for (var i = 0; i < g.Steps; i++)
        {
            scheduler.ScaleModelInput(i, sample, input);
            var expectedInput = g.Has($"scaled_input_{i}") ? g.Float32($"scaled_input_{i}") : sample;
            Assert.That(input, Is.EqualTo(expectedInput), $"scale_model_input at step {i}, bit for bit");
            scheduler.Step(i, g.Float32($"model_output_{i}"), sample);
            var expected = g.Float32($"sample_{i + 1}");
            var scale = Math.Max(1.0, expected.Max(Math.Abs));
            var error = TestData.MaxAbsDiff(sample, expected);
            worst = Math.Max(worst, error / scale);
            if (relativeTolerance == 0)
                Assert.That(sample, Is.EqualTo(expected), $"{name}: prev_sample after step {i}, bit for bit");
            else
                Assert.That(error, Is.LessThanOrEqualTo(relativeTolerance * scale), $"{name}: prev_sample after step {i} (max |sample| {scale:F1})");
        }
        TestContext.Out.WriteLine($"{name}: largest error {worst:E2} of the step's largest |sample|");
    }

    [Test]
    public void FluxFixtureIsFluxPipelinesSigmasAndMu()
    {
        using var g = GoldenSchedulerCase.Open("flowmatch_flux_dynamic");
        var passed = JsonSerializer.Deserialize<double[]>(g.Metadata["sigmas_passed"])!;
        Assert.That(FlowMatchEulerDiscreteScheduler.FluxSigmas(g.Steps), Is.EqualTo(passed), "np.linspace(1, 1/S, S), bit for bit");
        var config = FlowMatchEulerDiscreteConfig.Parse(DiffusersJson.Parse(g.Metadata["config"]));
        var mu = double.Parse(g.Metadata["mu"], CultureInfo.InvariantCulture);
        Assert.That(config.Mu(int.Parse(g.Metadata["image_seq_len"], CultureInfo.InvariantCulture)), Is.EqualTo(mu), "calculate_shift, bit for bit");
        var scheduler = (FlowMatchEulerDiscreteScheduler)g.CreateScheduler();
        scheduler.SetTimesteps(g.Steps, SetTimestepsOptions(g));
        Assert.That(scheduler.Mu, Is.EqualTo(mu));
    }

    [Test]
    public void TheSdeFixtureIsRefusedByName()
    {
        using var g = GoldenSchedulerCase.Open("dpmsolver_sde_pixart");
        var e = Assert.Throws<SchedulerConfigException>(() => g.CreateScheduler())!;
        Assert.That(e.Option, Is.EqualTo("algorithm_type"));
        Assert.That(e.Message, Does.Contain("DPMSolverMultistepScheduler").And.Contain("'sde-dpmsolver++'").And.Contain("dpmsolver++, dpmsolver"));
    }

    /// <summary>FluxPipeline's call: its σ and the image sequence length (from which the scheduler computes μ).</summary>
    private static TimestepOptions? SetTimestepsOptions(GoldenSchedulerCase g)
    {
        if (!g.Metadata.TryGetValue("sigmas_passed", out var sigmas)) return null;
        return new TimestepOptions
        {
            Sigmas = JsonSerializer.Deserialize<double[]>(sigmas),
            ImageSequenceLength = int.Parse(g.Metadata["image_seq_len"], CultureInfo.InvariantCulture),
        };
    }

    private static void AssertClose(double[] actual, double[] expected, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        for (var i = 0; i < expected.Length; i++)
            Assert.That(Math.Abs(actual[i] - expected[i]), Is.LessThanOrEqualTo(1e-9 * Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]:R} vs diffusers' {expected[i]:R}");
    }
}
