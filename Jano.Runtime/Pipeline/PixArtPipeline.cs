using System.Diagnostics;
using Jano.Kernels;
using Jano.Kernels.Cpu;
using Jano.Runtime.Devices;
using Jano.Runtime.Onnx;
using Jano.Runtime.Packages;
using Jano.Runtime.Sampling;
using Jano.Runtime.Scheduling;
using Jano.Runtime.Text;

namespace Jano.Runtime.Pipeline;

/// <summary>
/// Text → image on a model package: encodes the prompt (and the empty caption for guidance), draws
/// seeded noise, and runs the sampler over the denoising engine. Dense generation is the engine at
/// n = N in natural order every step.
/// </summary>
public sealed class PixArtPipeline : IDisposable
{
    private readonly PixArtSessions _sessions;
    private readonly IStepDevice _device;
    private readonly TextEncoder _text;
    private readonly float[] _latents;
    private readonly float[] _prediction;
    private readonly float[] _guidedRows;
    private readonly IBlockDynamicsKernel _blockDynamics = new CpuBlockDynamics();

    private PixArtPipeline(ModelPackage package, RuntimeOptions options, IAttentionKernel? attention, IStepDevice? device = null)
    {
        Package = package;
        Options = options;
        var d = package.Manifest.Dims;
        Sessions = new OrtSessionFactory(options);
        try
        {
            StepDevices.Validate(options); // also when the caller brings the device
        }
        catch
        {
            device?.Dispose(); // owned from the call on
            throw;
        }
        string? buffersNote = null;
        _device = device ?? StepDevices.Create(Sessions, options, attention, out buffersNote);
        BuffersFallbackReason = buffersNote;
        Sessions.ComputeStream = _device.ComputeStream ?? 0;
        try
        {
            _sessions = new PixArtSessions(package, Sessions);
            _text = TextEncoder.CreateDefault(new TextEncoderOptions
            {
                MaxTokens = package.Manifest.TextEncoder.MaxTokens,
                Truncate = options.TruncatePrompts,
                IntraOpThreads = options.Threads > 0 ? options.Threads : null,
            });
            if (_text.HiddenSize != d.CaptionChannels)
                throw new ModelPackageException($"{package.Folder}: the model expects {d.CaptionChannels}-wide caption states, the text encoder gives {_text.HiddenSize}");
            Engine = new DenoisingEngine(_sessions, d, _device, kernelAttention: attention is not null || options.Attention == "kernel");
        }
        catch
        {
            _text?.Dispose();
            _sessions?.Dispose();
            _device.Dispose();
            throw;
        }
        var imageSize = d.InChannels * d.SampleSize * d.SampleSize;
        _latents = new float[imageSize];
        _prediction = new float[imageSize];
        _guidedRows = new float[d.Tokens * d.PatchOutputWidth];
    }

    /// <param name="attention">An attention kernel to use on host buffers instead of the options' choice (tests, benchmarks).</param>
    public static PixArtPipeline Open(string packageFolder, RuntimeOptions? options = null, IAttentionKernel? attention = null) =>
        new(ModelPackage.Open(packageFolder), options ?? new RuntimeOptions(), attention);

    /// <summary>
    /// A pipeline on a step device of the caller's choosing, which it then owns: a host device, or one
    /// whose <see cref="IStepDevice.ComputeStream"/> belongs to the provider the options name.
    /// </summary>
    public static PixArtPipeline Open(string packageFolder, RuntimeOptions options, IStepDevice device) =>
        new(ModelPackage.Open(packageFolder), options, attention: null, device);

    public ModelPackage Package { get; }

    /// <summary>Why the step loop's buffers stayed in host memory although the sessions run on CUDA; null otherwise.</summary>
    public string? BuffersFallbackReason { get; }

    /// <summary>The provider in use and, for "auto", why it fell back to the CPU.</summary>
    public OrtSessionFactory Sessions { get; }
    public RuntimeOptions Options { get; }
    public DenoisingEngine Engine { get; }
    public TextEncoder Text => _text;

    public GenerationResult Generate(GenerationRequest request, Action<StepReport>? onStep = null)
    {
        request.Validate();
        var m = Package.Manifest;
        var steps = request.Steps ?? m.Defaults.Steps;
        var guidance = request.Guidance ?? m.Defaults.Guidance;
        var sampler = SamplerFactory.Create(m.Sampler, steps);
        var useGuidance = guidance != 1.0;

        var textStart = Stopwatch.GetTimestamp();
        var cond = _text.Encode(request.Prompt);
        var uncond = useGuidance ? _text.Encode(request.NegativePrompt) : null;
        Engine.SetCaptions(cond.HiddenStates, cond.TokenCount, uncond?.HiddenStates, uncond?.TokenCount ?? 0);
        var textMs = Stopwatch.GetElapsedTime(textStart).TotalMilliseconds;

        GaussianNoise.Fill(_latents, request.Seed);
        var tokens = m.Dims.Tokens;
        Engine.ResetOrder();
        JanoPlanner? planner = null;
        if (request.Jano is { } jano)
        {
            jano.Validate(steps, m.Dims.SampleSize, m.Dims.PatchSize);
            var analysis = request.ForcedMask is { } forced ? new ForcedMask(forced) : CreateAnalysis(jano);
            planner = new JanoPlanner(jano, steps, tokens, analysis);
            planner.RecordInitialNoise(_latents);
        }
        var stepMs = new double[steps];
        var before = Snapshot(Engine.Timings);
        long totalTicks = 0;
        for (var i = 0; i < steps; i++)
        {
            var stepStart = Stopwatch.GetTimestamp();
            var sessionBefore = Engine.Timings.SessionTicks;
            var attentionBefore = Engine.Timings.AttentionTicks;
            var n = planner?.TokensFor(i + 1) ?? tokens;
            Engine.Forward(_latents, sampler.ModelTimestep(i), n);
            if (useGuidance)
                Guidance.Combine(Engine.Output(0), Engine.Output(1), (float)guidance, _guidedRows);
            else
                Engine.Output(0).CopyTo(_guidedRows);
            Engine.Unpatchify(_guidedRows, _prediction);
            if (planner?.AfterStep(i + 1, _prediction) is { } mask)
                Engine.SetOrder(mask.Order); // from now on every subset a step computes is a prefix
            sampler.Step(i, _prediction, _latents);
            var elapsed = Stopwatch.GetTimestamp() - stepStart;
            totalTicks += elapsed;
            stepMs[i] = StepTimings.Ms(elapsed);
            onStep?.Invoke(new StepReport(i + 1, steps, n, stepMs[i],
                StepTimings.Ms(Engine.Timings.SessionTicks - sessionBefore), StepTimings.Ms(Engine.Timings.AttentionTicks - attentionBefore)));
        }
        var timings = Difference(Engine.Timings, before);
        timings.TotalTicks = totalTicks; // the whole step: forward, guidance, layout and sampler
        var report = planner is null ? null : Report(planner, stepMs, cond.TokenCount);
        return new GenerationResult((float[])_latents.Clone(), m.Dims.InChannels, m.Dims.SampleSize, steps, guidance, m.Sampler.Kind, timings, stepMs, textMs, report);
    }

    /// <summary>
    /// Ideal speed-up = dense FLOPs / the FLOPs of the token counts actually computed. The estimated
    /// measured speed-up takes this run's mean full-step time as the dense step time.
    /// </summary>
    private JanoReport Report(JanoPlanner planner, double[] stepMs, int textTokens)
    {
        var d = Package.Manifest.Dims;
        var dense = FlopCounter.Forward(d, d.Tokens, d.Tokens, textTokens) * planner.Steps;
        var jano = planner.TokensPerStep.Sum(n => n == 0 ? 0 : FlopCounter.Forward(d, n, d.Tokens, textTokens));
        var fullSteps = Enumerable.Range(0, planner.Steps).Where(i => planner.TokensPerStep[i] == d.Tokens).Select(i => stepMs[i]).ToList();
        var estimated = fullSteps.Count == 0 ? double.NaN : fullSteps.Average() * planner.Steps / stepMs.Sum();
        return new JanoReport(planner.Options, planner.Levels, planner.TokensPerStep, planner.Mask!, planner.Maps,
            jano == 0 ? double.PositiveInfinity : dense / jano, estimated, planner.AnalysisMs);
    }

    private IRegionAnalysis CreateAnalysis(JanoOptions options)
    {
        var d = Package.Manifest.Dims;
        return new BlockDynamicsAnalysis(options, d.InChannels, d.SampleSize, d.PatchSize, _blockDynamics);
    }

    private static StepTimings Snapshot(StepTimings t) => new() { SessionTicks = t.SessionTicks, AttentionTicks = t.AttentionTicks, RowsTicks = t.RowsTicks };

    private static StepTimings Difference(StepTimings now, StepTimings before) => new()
    {
        SessionTicks = now.SessionTicks - before.SessionTicks,
        AttentionTicks = now.AttentionTicks - before.AttentionTicks,
        RowsTicks = now.RowsTicks - before.RowsTicks,
    };

    public void Dispose()
    {
        Engine.Dispose();
        _text.Dispose();
        _sessions.Dispose();
        _device.Dispose();
    }
}
