using Jano.Core.Schedulers;
using Jano.Runtime.Schedulers;

namespace Jano.Tests.Runtime.Schedulers;

/// <summary>
/// Schedules and single steps against values derived by hand (double precision formulas written
/// here), for the options the golden fixtures do not exercise, and the state rules of a stateful
/// scheduler. (During development every option below was also compared with diffusers v0.32.2 run
/// locally: same schedules, same floats; those runs are not fixtures of this repository.)
/// </summary>
[TestFixture]
public sealed class SchedulerBehaviourTests
{
    private static IScheduler Create(string className, string json = "{}") => SchedulerFactory.Create(className, DiffusersJson.Parse(json));

    private static long[] Timesteps(IScheduler s) => s.Timesteps.ToArray().Select(t => (long)t).ToArray();

    [Test]
    public void DdimSpacings()
    {
        var leading = Create(DdimConfig.Name, """{"steps_offset": 1}""");
        leading.SetTimesteps(10);
        Assert.That(Timesteps(leading), Is.EqualTo(new long[] { 901, 801, 701, 601, 501, 401, 301, 201, 101, 1 }), "(S−1−i)·⌊T/S⌋ + offset");
        var trailing = Create(DdimConfig.Name, """{"timestep_spacing": "trailing"}""");
        trailing.SetTimesteps(10);
        Assert.That(Timesteps(trailing), Is.EqualTo(new long[] { 999, 899, 799, 699, 599, 499, 399, 299, 199, 99 }), "round(T − i·T/S) − 1");
        var linspace = Create(DdimConfig.Name, """{"timestep_spacing": "linspace"}""");
        linspace.SetTimesteps(10);
        Assert.That(Timesteps(linspace), Is.EqualTo(new long[] { 999, 888, 777, 666, 555, 444, 333, 222, 111, 0 }), "round(linspace(0, T−1, S)) reversed");
        Assert.That(leading.Sigmas.Length, Is.Zero);
    }

    [Test]
    public void DpmSolverSpacings()
    {
        var linspace = Create(DpmSolverMultistepConfig.Name);
        linspace.SetTimesteps(6);
        Assert.That(Timesteps(linspace), Is.EqualTo(new long[] { 999, 832, 666, 500, 333, 166 }), "round(linspace(0, T−1, S+1)) reversed, last dropped");
        var leading = Create(DpmSolverMultistepConfig.Name, """{"timestep_spacing": "leading", "steps_offset": 1}""");
        leading.SetTimesteps(5);
        Assert.That(Timesteps(leading), Is.EqualTo(new long[] { 831, 665, 499, 333, 167 }), "i·⌊T/(S+1)⌋ for i = S … 1, + offset");
        Assert.That(linspace.Sigmas[^1], Is.Zero, "final_sigmas_type zero");
        var sigmaMin = Create(DpmSolverMultistepConfig.Name, """{"final_sigmas_type": "sigma_min"}""");
        sigmaMin.SetTimesteps(6);
        // σ of ᾱ₀ = 1 − β₀; diffusers' float32 1 − ᾱ₀ keeps only ~4 digits of 1e-4, and so do we.
        Assert.That(sigmaMin.Sigmas[^1], Is.EqualTo(Math.Sqrt(0.0001 / 0.9999)).Within(1e-4 * 0.01));
    }

    [Test]
    public void DpmSolverLambdaClipDropsTheNoisiestTimesteps()
    {
        // Cosine schedule: λ at t = 999 is far below −5.1, so the clip shortens the range (PixArt-Σ / cosine configs use it).
        var clipped = Create(DpmSolverMultistepConfig.Name, """{"beta_schedule": "squaredcos_cap_v2", "lambda_min_clipped": -5.1}""");
        clipped.SetTimesteps(4);
        var unclipped = Create(DpmSolverMultistepConfig.Name, """{"beta_schedule": "squaredcos_cap_v2"}""");
        unclipped.SetTimesteps(4);
        Assert.That(clipped.Timesteps[0], Is.LessThan(unclipped.Timesteps[0]));
        Assert.That(unclipped.Timesteps[0], Is.EqualTo(999));
    }

    [Test]
    public void FlowMatchStaticShiftFollowsTheFormula()
    {
        var s = Create(FlowMatchEulerDiscreteConfig.Name, """{"shift": 3.0}""");
        s.SetTimesteps(4);
        // The training grid's end points, shifted: σmax = shift(1) = 1, σmin = shift(1/T); then
        // u_i = linspace(σmax, σmin, S) is shifted once more: σ_i = shift·u/(1 + (shift−1)·u); then σ = 0.
        double Shift(double u) => 3 * u / (1 + 2 * u);
        var sigmaMin = Shift(0.001);
        for (var i = 0; i < 4; i++)
        {
            var u = 1 + (sigmaMin - 1) * i / 3.0;
            Assert.That(s.Sigmas[i], Is.EqualTo(Shift(u)).Within(1e-6), $"σ[{i}]");
            Assert.That(s.ModelTimestep(i), Is.EqualTo((float)(1000 * s.Sigmas[i])), "timestep = T·σ in float32");
        }
        Assert.That(s.Sigmas[4], Is.Zero);
        Assert.That(s.InitNoiseSigma, Is.EqualTo(1.0));
        Assert.That(s.ScalesModelInput, Is.False);
    }

    [Test]
    public void FlowMatchOptionsOfV0322()
    {
        var terminal = Create(FlowMatchEulerDiscreteConfig.Name, """{"shift": 3.0, "shift_terminal": 0.1}""");
        terminal.SetTimesteps(7);
        Assert.That(terminal.Sigmas[6], Is.EqualTo(0.1).Within(1e-7), "stretched to end at shift_terminal");
        Assert.That(terminal.Sigmas[0], Is.EqualTo(1.0).Within(1e-7));
        var inverted = Create(FlowMatchEulerDiscreteConfig.Name, """{"invert_sigmas": true}""");
        inverted.SetTimesteps(4);
        Assert.That(inverted.Sigmas[0], Is.Zero.Within(1e-7), "1 − σ");
        Assert.That(inverted.Sigmas[4], Is.EqualTo(1.0), "a final σ of 1");
        var dynamic = Create(FlowMatchEulerDiscreteConfig.Name, """{"use_dynamic_shifting": true}""");
        var e = Assert.Throws<ArgumentException>(() => dynamic.SetTimesteps(4))!;
        Assert.That(e.Message, Does.Contain("use_dynamic_shifting").And.Contain("image sequence length"));
        dynamic.SetTimesteps(4, new TimestepOptions { Mu = Math.Log(3) });
        // time_shift(μ, 1, u) = e^μ/(e^μ + 1/u − 1): the static shift 3 of the unshifted grid when e^μ = 3.
        Assert.That(dynamic.Sigmas.ToArray(), Is.EqualTo(Create3Unshifted()).Within(1e-6));
        static double[] Create3Unshifted()
        {
            var s = Create(FlowMatchEulerDiscreteConfig.Name, "{}");
            s.SetTimesteps(4);
            return s.Sigmas.ToArray().Select(u => u == 0 ? 0 : 3 * u / (1 + 2 * u)).ToArray();
        }
    }

    [Test]
    public void FlowMatchEulerStepIsXPlusDtTimesV()
    {
        var s = Create(FlowMatchEulerDiscreteConfig.Name, """{"shift": 2.0}""");
        s.SetTimesteps(3);
        float[] x = [1f, -2f, 0.5f], v = [0.25f, 1f, -3f];
        var dt = (float)s.Sigmas[1] - (float)s.Sigmas[0];
        var expected = x.Zip(v, (a, b) => a + dt * b).ToArray();
        s.Step(0, v, x);
        Assert.That(x, Is.EqualTo(expected));
    }

    [Test]
    public void DdimOneStepToTheEndReturnsThePredictedSample()
    {
        // With set_alpha_to_one, the last step's ᾱ_prev = 1: x ← x̂₀ = (x − √(1−ᾱ)·ε)/√ᾱ (then clipped by default).
        var s = Create(DdimConfig.Name, """{"clip_sample": false}""");
        s.SetTimesteps(1);
        Assert.That(Timesteps(s), Is.EqualTo(new long[] { 0 }));
        float[] x = [0.3f, -0.7f], eps = [0.1f, 0.2f];
        var alpha = 1 - 0.0001;
        var expected = x.Zip(eps, (a, e) => (a - Math.Sqrt(1 - alpha) * e) / Math.Sqrt(alpha)).ToArray();
        s.Step(0, eps, x);
        Assert.That(x.Select(v => (double)v), Is.EqualTo(expected).Within(1e-6));

        var clipping = Create(DdimConfig.Name, """{"prediction_type": "sample"}""");
        clipping.SetTimesteps(1);
        float[] y = [5f, -5f, 0.5f];
        clipping.Step(0, [3f, -4f, 0.25f], y);
        Assert.That(y, Is.EqualTo(new[] { 1f, -1f, 0.25f }), "x̂₀ = the model output, clipped to ±clip_sample_range");
    }

    [Test]
    public void DpmSolverSingleStepToSigmaZeroReturnsTheDataPrediction()
    {
        // One step, final σ = 0: first order (lower_order_final), x ← x̂₀ = (x − σ_t·ε)/α_t at t = 999.
        var s = Create(DpmSolverMultistepConfig.Name);
        s.SetTimesteps(1);
        var sigma = s.Sigmas[0];
        var alphaT = 1 / Math.Sqrt(sigma * sigma + 1);
        var sigmaT = sigma * alphaT;
        float[] x = [1.5f, -0.5f], eps = [0.9f, -0.3f];
        var expected = x.Zip(eps, (a, e) => (a - sigmaT * e) / alphaT).ToArray();
        s.Step(0, eps, x);
        Assert.That(x.Select(v => (double)v), Is.EqualTo(expected).Within(1e-6 * expected.Max(Math.Abs)));
    }

    [Test]
    public void EulerScalesTheNoiseAndTheModelInput()
    {
        var leading = Create(EulerDiscreteConfig.Name, """{"timestep_spacing": "leading", "steps_offset": 1}""");
        leading.SetTimesteps(4);
        var maxSigma = leading.Sigmas.ToArray().Max();
        Assert.That(leading.InitNoiseSigma, Is.EqualTo(Math.Sqrt(maxSigma * maxSigma + 1)).Within(1e-6), "leading: √(σmax² + 1)");
        var linspace = Create(EulerDiscreteConfig.Name);
        linspace.SetTimesteps(4);
        Assert.That(linspace.InitNoiseSigma, Is.EqualTo(linspace.Sigmas.ToArray().Max()), "linspace: σmax");
        Assert.That(linspace.Timesteps.ToArray(), Is.EqualTo(new[] { 999.0, 666.0, 333.0, 0.0 }));
        Assert.That(linspace.ScalesModelInput);
        float[] x = [2f, -4f], scaled = new float[2];
        linspace.ScaleModelInput(1, x, scaled);
        var s1 = linspace.Sigmas[1];
        Assert.That(scaled.Select(v => (double)v), Is.EqualTo(x.Select(v => v / Math.Sqrt(s1 * s1 + 1))).Within(1e-6));
    }

    [Test]
    public void EulerEpsilonStepIsXPlusEpsTimesDsigma()
    {
        var s = Create(EulerDiscreteConfig.Name);
        s.SetTimesteps(3);
        float[] x = [3f, -1f], eps = [0.5f, 2f];
        var ds = s.Sigmas[1] - s.Sigmas[0];
        var expected = x.Zip(eps, (a, e) => a + e * ds).ToArray(); // derivative = (x − (x − σε))/σ = ε
        s.Step(0, eps, x);
        Assert.That(x.Select(v => (double)v), Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void StepsRunInOrderOnceEachAndSetTimestepsStartsAgain()
    {
        var s = Create(DpmSolverMultistepConfig.Name);
        float[] output = [0.1f, 0.2f];
        Assert.That(Assert.Throws<InvalidOperationException>(() => s.Step(0, output, new float[2]))!.Message, Does.Contain("SetTimesteps"));
        s.SetTimesteps(3);
        Assert.That(Assert.Throws<InvalidOperationException>(() => s.Step(1, output, new float[2]))!.Message, Does.Contain("step 0 comes next"));
        float[] RunOnce()
        {
            s.SetTimesteps(3);
            float[] x = [1f, -1f];
            for (var i = 0; i < 3; i++) s.Step(i, [0.3f * (i + 1), -0.2f], x);
            return x;
        }
        var first = RunOnce();
        Assert.That(RunOnce(), Is.EqualTo(first), "a new SetTimesteps forgets the previous run's model outputs");
        Assert.That(Assert.Throws<InvalidOperationException>(() => s.Step(3, output, new float[2]))!.Message, Does.Contain("after the last of 3 steps"));
        Assert.Throws<ArgumentException>(() => { s.SetTimesteps(3); s.Step(0, output, new float[3]); }, "lengths must agree");
    }

    [Test]
    public void SchedulersWithoutCustomSigmasRefuseThem()
    {
        foreach (var name in new[] { DdimConfig.Name, DpmSolverMultistepConfig.Name, EulerDiscreteConfig.Name })
            Assert.Throws<ArgumentException>(() => Create(name).SetTimesteps(2, new TimestepOptions { Sigmas = [1.0, 0.5] }), name);
        var flow = Create(FlowMatchEulerDiscreteConfig.Name);
        Assert.Throws<ArgumentException>(() => flow.SetTimesteps(3, new TimestepOptions { Sigmas = [1.0, 0.5] }), "one σ per step");
        flow.SetTimesteps(2, new TimestepOptions { Sigmas = [1.0, 0.5] });
        Assert.That(flow.Sigmas.ToArray(), Is.EqualTo(new[] { 1.0, 0.5, 0.0 }));
    }

    [Test]
    public void TheFactoryRefusesUnknownClassesAsArgumentExceptions()
    {
        var e = Assert.Throws<SchedulerConfigException>(() => SchedulerFactory.Create("UniPCMultistepScheduler", null))!;
        Assert.That(e, Is.InstanceOf<ArgumentException>());
        Assert.That(e.Message, Does.StartWith("UniPCMultistepScheduler: option '_class_name'"));
        Assert.That(Create(DdimConfig.Name), Is.TypeOf<DdimScheduler>());
    }
}
