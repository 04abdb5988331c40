using System.Diagnostics;
using Jano.Core.Acceleration;
using Jano.Core.Geometry;
using Jano.Core.Packages;
using Jano.Kernels;
using Jano.Kernels.Cpu;
using Jano.Runtime.Acceleration;
using Jano.Runtime.Conditioning;
using Jano.Runtime.Decoders;
using Jano.Runtime.Devices;
using Jano.Runtime.Engine;
using Jano.Runtime.Models;
using Jano.Runtime.Onnx;
using Jano.Runtime.Sampling;
using Jano.Runtime.Schedulers;
using Jano.Runtime.Scheduling;
using Jano.Runtime.Text;

namespace Jano.Runtime.Pipeline;

/// <summary>
/// Text → image on a model package: encodes the prompt (and the negative prompt for guidance), draws
/// seeded noise, and runs the package's scheduler (diffusers' class from its config, or the runtime's
/// own sampler for packages without one) over the token engine with the family's block program, asking
/// an acceleration policy what each step computes (dense: every token, every step).
/// </summary>
/// <remarks>
/// Not thread-safe: a pipeline serves one generation at a time (its scheduler, engine and step buffers are
/// state of the run); a call made while another runs fails at once with <see cref="InvalidOperationException"/>.
/// To serve several generations at once, open one pipeline per concurrent generation (a pool) and queue
/// requests to them. The asynchronous API is in TextToImagePipeline.Async.cs.
/// </remarks>
public sealed partial class TextToImagePipeline : IDisposable
{
    private readonly IStepDevice _device;
    private readonly ITextEncoder? _text;
    private readonly IBlockProgram _program;
    private readonly bool _kernelAttention;
    private readonly IScheduler _scheduler;
    private readonly IDecoder _decoder;
    private TokenEngine _engine;
    private float[] _latents = [];
    private float[] _modelInput = [];
    private float[] _prediction = [];
    private float[] _guidedRows = [];
    private readonly IBlockDynamicsKernel _blockDynamics = new CpuBlockDynamics();

    private TextToImagePipeline(ModelPackage package, RuntimeOptions options, IAttentionKernel? attention, IStepDevice? device = null)
    {
        // More threads than cores only adds contention (spinning pools on 2 cores ran ~100x slower at 1000).
        if (options.Threads > Environment.ProcessorCount)
        {
            ThreadsNote = $"{options.Threads} threads asked for on {Environment.ProcessorCount} cores; using {Environment.ProcessorCount}";
            options = options with { Threads = Environment.ProcessorCount };
        }
        Package = package;
        Options = options;
        var m = package.Manifest;
        _scheduler = SchedulerFactory.Create(m.Components.Scheduler); // before anything that needs disposing
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
        IBlockProgram? program = null;
        try
        {
            // A package without a text encoder (a pipeline exported without one) takes its conditioning as states.
            _text = TextEncoders.CreateFor(package, options);
            program = BlockPrograms.Create(package, Sessions);
            _decoder = Decoders.Decoders.Create(package, Sessions);
            _kernelAttention = attention is not null || options.Attention == "kernel";
            _engine = new TokenEngine(program, m.Geometry, _device, _kernelAttention);
        }
        catch
        {
            _text?.Dispose();
            program?.Dispose();
            _decoder?.Dispose();
            _device.Dispose();
            throw;
        }
        _program = program;
        AllocateImageBuffers(m.Geometry);
    }

    private void AllocateImageBuffers(LatentGeometry g)
    {
        _latents = new float[g.LatentValues];
        _modelInput = _scheduler.ScalesModelInput ? new float[g.LatentValues] : _latents;
        _prediction = new float[g.LatentValues];
        _guidedRows = new float[g.Tokens * g.PatchOutputWidth];
    }

    /// <summary>
    /// The engine for a latent size and a number of images per forward: the one in use, or a new one (the
    /// old one's buffers released first, the block program's sessions kept), when a request asks for another
    /// size or more images than it carries.
    /// </summary>
    private TokenEngine EngineFor(LatentGeometry g, int images = 1)
    {
        var sameSize = _engine.Geometry.Height == g.Height && _engine.Geometry.Width == g.Width;
        if (sameSize && _engine.MaxImages >= images) return _engine;
        var carry = sameSize ? Math.Max(images, _engine.MaxImages) : images;
        _engine.Dispose();
        _engine = new TokenEngine(_program, g, _device, _kernelAttention, carry);
        AllocateImageBuffers(g);
        return _engine;
    }

    /// <summary>
    /// The latent geometry of a request: the package's, or the requested image size divided by the
    /// pixels per latent pixel (1 in pixel space); it must be a whole number of patches, the package
    /// must be able to make position rows for it, and an SD3 grid must fit pos_embed_max_size. SD3 has no
    /// aspect-ratio bins: as diffusers' StableDiffusion3Pipeline, it generates the size asked.
    /// </summary>
    public LatentGeometry GeometryFor(GenerationRequest request) => GeometryFor(request, out _);

    /// <param name="note">Set when the size was snapped to a PixArt aspect-ratio bin, saying so.</param>
    public LatentGeometry GeometryFor(GenerationRequest request, out string? note)
    {
        note = null;
        var g = Package.Manifest.Geometry;
        if (request.Height is null && request.Width is null) return g;
        var pixelsPerLatent = _decoder.UpscaleFactor;
        int height = request.Height ?? g.Height * pixelsPerLatent, width = request.Width ?? g.Width * pixelsPerLatent;
        if (request.ResolutionBinning && BinsFor() is { } bins)
        {
            // As diffusers' PixArt pipelines (use_resolution_binning): generate at the trained size nearest in aspect ratio.
            var (h, w) = AspectRatioBins.Snap(height, width, bins);
            if ((h, w) != (height, width)) note = $"size {width}x{height} snapped to the nearest PixArt aspect-ratio bin, {w}x{h}";
            (height, width) = (h, w);
        }
        var unit = pixelsPerLatent * g.PatchSize;
        if (height % unit != 0 || width % unit != 0)
            throw new ArgumentException($"size {width}x{height} (width x height, image pixels): both must be multiples of {unit} (pixels per latent pixel {pixelsPerLatent} × patch size {g.PatchSize})");
        var latent = g with { Height = height / pixelsPerLatent, Width = width / pixelsPerLatent };
        var positions = Package.Manifest.Transformer.Positions;
        if (positions is null && (latent.Height, latent.Width) != (g.Height, g.Width))
            throw new ArgumentException($"size {width}x{height} (width x height, image pixels): this package runs at {g.Width * pixelsPerLatent}x{g.Height * pixelsPerLatent} only " +
                "(it has no 'components.transformer.positions' to make position rows for another size: an SD3 checkpoint whose table was trained has none); re-export it with --size");
        // SD3 crops its position table from a fixed grid (pos_embed_max_size): a larger grid has no rows.
        if (positions?.GridProblem(latent.GridHeight, latent.GridWidth) is { } problem)
            throw new ArgumentException($"size {width}x{height} (width x height, image pixels): {problem}, so at most {unit * positions.MaxSize} pixels a side");
        return latent;
    }

    /// <summary>
    /// PixArt's aspect-ratio bins for a latent-space PixArt package, chosen as diffusers' pipelines choose
    /// them, by the transformer's sample_size (the position table's base grid × patch): 32 → the 256 table,
    /// 64 → 512, 128 → 1024, 256 → 2048; null otherwise (the default model, tiny random pipelines): any
    /// whole number of patches is generated as asked.
    /// </summary>
    private IReadOnlyList<(double Ratio, int Height, int Width)>? BinsFor()
    {
        var t = Package.Manifest.Transformer;
        if (t.Family != Jano.Core.Stages.PixArtStages.Family || Package.Manifest.Components.Decoder.Kind != DecoderComponent.AutoencoderKl || t.Positions is null) return null;
        return (t.Positions.BaseSize * t.Geometry.PatchSize) switch
        {
            32 => AspectRatioBins.For(256),
            64 => AspectRatioBins.For(512),
            128 => AspectRatioBins.For(1024),
            256 => AspectRatioBins.For(2048),
            _ => null,
        };
    }

    /// <param name="attention">An attention kernel to use on host buffers instead of the options' choice (tests, benchmarks).</param>
    public static TextToImagePipeline Open(string packageFolder, RuntimeOptions? options = null, IAttentionKernel? attention = null) =>
        new(ModelPackage.Open(packageFolder), options ?? new RuntimeOptions(), attention);

    /// <summary>
    /// A pipeline on a step device of the caller's choosing, which it then owns: a host device, or one
    /// whose <see cref="IStepDevice.ComputeStream"/> belongs to the provider the options name.
    /// </summary>
    public static TextToImagePipeline Open(string packageFolder, RuntimeOptions options, IStepDevice device) =>
        new(ModelPackage.Open(packageFolder), options, attention: null, device);

    public ModelPackage Package { get; }

    /// <summary>Set when the options asked for more threads than the machine has cores, saying what was used.</summary>
    public string? ThreadsNote { get; }

    /// <summary>Why the step loop's buffers stayed in host memory although the sessions run on CUDA; null otherwise.</summary>
    public string? BuffersFallbackReason { get; }

    /// <summary>The provider in use and, for "auto", why it fell back to the CPU.</summary>
    public OrtSessionFactory Sessions { get; }
    public RuntimeOptions Options { get; }
    /// <summary>The token engine of the size last generated (the package's size until another is asked for).</summary>
    public TokenEngine Engine => _engine;
    /// <summary>The package's text encoder; null when it has none and requests bring their conditioning as states.</summary>
    public ITextEncoder? Text => _text;

    /// <summary>The package's scheduler, as the last generation set it up.</summary>
    public IScheduler Scheduler => _scheduler;

    /// <summary>
    /// The Jano options a request would run with at its step count, or null for dense: options that
    /// cannot act at that step count fail for an explicit request and fall back to dense, with the
    /// reason in <paramref name="note"/>, for a package default (<see cref="GenerationRequest.FallBackToDense"/>).
    /// </summary>
    public JanoOptions? EffectiveJano(GenerationRequest request, out string? note)
    {
        note = null;
        if (request.Jano is not { } jano) return null;
        var m = Package.Manifest;
        var steps = request.Steps ?? m.Defaults.Steps;
        try
        {
            var g = GeometryFor(request);
            jano.Validate(steps, g.Height, g.Width);
            return jano;
        }
        catch (ArgumentException e) when (request.FallBackToDense)
        {
            note = $"the package's default Jano preset does not fit this run ({e.Message}); generating dense";
            return null;
        }
    }

    /// <summary>Generates one image on the calling thread; <paramref name="onStep"/> hears of every step.</summary>
    /// <exception cref="InvalidOperationException">Another generation is running on this pipeline.</exception>
    public GenerationResult Generate(GenerationRequest request, Action<StepReport>? onStep = null)
    {
        using var _ = _gate.Enter();
        return GenerateCore(request, onStep, onStage: null, CancellationToken.None);
    }

    /// <summary>
    /// One generation. <paramref name="cancel"/> is checked between stages and before every step: a run
    /// stopped there leaves nothing behind that the next run depends on (every run sets the scheduler's
    /// timesteps, the captions, the noise and the token order afresh, and its first step computes every token).
    /// </summary>
    private GenerationResult GenerateCore(GenerationRequest request, Action<StepReport>? onStep, Action<GenerationStage, int>? onStage, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var m = Package.Manifest;
        var method = request.Method;
        var denseSteps = request.Steps ?? m.Defaults.Steps;
        var steps = method?.Steps ?? denseSteps;
        var guidance = request.Guidance ?? m.Defaults.Guidance;
        var geometry = GeometryFor(request, out var sizeNote);
        var jano = EffectiveJano(JanoRequest(request, steps), out var note);
        var notes = new[] { sizeNote, note }.OfType<string>().ToList();
        var engine = EngineFor(geometry);
        // The image token count is FLUX's image_seq_len, from which dynamic shifting computes μ; FluxPipeline
        // also passes its own σ, linspace(1, 1/S, S), to a package's FlowMatch scheduler config.
        var fluxSigmas = m.Family == Jano.Core.Stages.FluxStages.Family && _scheduler is FlowMatchEulerDiscreteScheduler && m.Components.Scheduler.Config is not null;
        _scheduler.SetTimesteps(steps, new TimestepOptions
        {
            ImageSequenceLength = geometry.Tokens,
            Sigmas = fluxSigmas ? FlowMatchEulerDiscreteScheduler.FluxSigmas(steps) : null,
        });
        if (_scheduler.Steps != steps)
            throw new ArgumentException($"{_scheduler.Name} makes {_scheduler.Steps} timesteps for {steps} steps with this config; choose another step count");
        var (cfgScale, trueCfg) = GuidanceFor(request, guidance);
        var useGuidance = cfgScale != 1.0;
        if (m.Transformer.Guidance == TransformerComponent.EmbeddedGuidance) engine.SetEmbeddedGuidance((float)guidance);

        cancel.ThrowIfCancellationRequested();
        onStage?.Invoke(GenerationStage.Encoding, steps);
        var textStart = Stopwatch.GetTimestamp();
        var cond = request.PromptStates ?? Encode(request.Prompt, nameof(request.PromptStates));
        var uncond = useGuidance ? request.NegativePromptStates ?? Encode(request.NegativePrompt, nameof(request.NegativePromptStates)) : null;
        engine.SetCaptions(cond, uncond);
        var textMs = Stopwatch.GetElapsedTime(textStart).TotalMilliseconds;
        cancel.ThrowIfCancellationRequested();
        onStage?.Invoke(GenerationStage.Denoising, steps);

        if (request.InitialNoise is { } noise)
        {
            if (noise.Length != _latents.Length)
                throw new ArgumentException($"initial noise has {noise.Length} values, the {geometry.Describe()} latents {_latents.Length} ({geometry.Channels} channels)");
            noise.CopyTo(_latents, 0);
        }
        else
        {
            GaussianNoise.Fill(_latents, request.Seed);
            if (_scheduler.InitNoiseSigma != 1.0) // diffusers' prepare_latents: noise · init_noise_sigma, in float32
                System.Numerics.Tensors.TensorPrimitives.Multiply(_latents, (float)_scheduler.InitNoiseSigma, _latents);
        }
        var tokens = geometry.Tokens;
        engine.ResetOrder();
        JanoPlanner? planner = null;
        IAccelerationPolicy policy = new DensePolicy(tokens);
        if (jano is not null)
        {
            IRegionAnalysis analysis = request.ForcedMask is { } forced ? new ForcedMask(forced) : new BlockDynamicsAnalysis(jano, geometry, _blockDynamics);
            planner = new JanoPlanner(jano, steps, tokens, analysis);
            policy = new JanoPolicy(planner);
        }
        if (method is not null)
        {
            if (method.UsesJano && planner is null) throw new ArgumentException($"method {method.Name} needs Jano options: the request has none and the package no default preset");
            policy = method.CreatePolicy(new PolicyContext(steps, tokens, geometry.PatchOutputWidth, _latents.Length, planner,
                m.Acceleration?.TeaCache?.Coefficients));
        }
        engine.KeepBlockResidual = policy.ReusesBlocks;
        policy.Begin(_latents);
        var stepMs = new double[steps];
        var plans = new StepPlan[steps];
        var before = Snapshot(engine.Timings);
        long totalTicks = 0;
        for (var i = 0; i < steps; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var stepStart = Stopwatch.GetTimestamp();
            var sessionBefore = engine.Timings.SessionTicks;
            var attentionBefore = engine.Timings.AttentionTicks;
            if (_scheduler.ScalesModelInput) _scheduler.ScaleModelInput(i, _latents, _modelInput);
            var plan = policy.Plan(i + 1, _modelInput);
            var n = plan.RowsWritten(tokens);
            plans[i] = plan;
            if (plan.Kind == StepKind.ReuseBlocks)
                engine.ForwardReusingBlocks(_modelInput, _scheduler.ModelTimestep(i));
            else if (plan.Kind == StepKind.Compute)
                engine.Forward(_modelInput, _scheduler.ModelTimestep(i), plan.Tokens);
            if (useGuidance)
                Guidance.Combine(engine.Output(0), engine.Output(1), (float)cfgScale, _guidedRows);
            else
                engine.Output(0).CopyTo(_guidedRows);
            policy.Refine(i + 1, plan, engine.Order, _guidedRows);
            engine.Unpatchify(_guidedRows, _prediction);
            request.Recorder?.Record(i + 1, steps, _modelInput, _prediction); // before the scheduler moves the latents (which may be the model input)
            if (policy.AfterStep(i + 1, _prediction) is { } order)
                engine.SetOrder(order); // from now on every subset a step computes is a prefix
            _scheduler.Step(i, _prediction, _latents); // every step, also where the policy reused outputs
            if (request.CheckLatents) LatentGuard.AfterStep(_latents, _prediction, i + 1, steps, request.Seed);
            var elapsed = Stopwatch.GetTimestamp() - stepStart;
            totalTicks += elapsed;
            stepMs[i] = StepTimings.Ms(elapsed);
            onStep?.Invoke(new StepReport(i + 1, steps, n, stepMs[i],
                StepTimings.Ms(engine.Timings.SessionTicks - sessionBefore), StepTimings.Ms(engine.Timings.AttentionTicks - attentionBefore)));
        }
        var timings = Difference(engine.Timings, before);
        timings.TotalTicks = totalTicks; // the whole step: forward, guidance, layout and scheduler
        // Both branches' captions are padded to the longer one: that is the length cross-attention runs over.
        var flops = FlopShape.Of(Package.Manifest, Math.Max(cond.Tokens, uncond?.Tokens ?? 0), cond.Pooled?.Length ?? 0).At(geometry);
        var report = planner is null ? null : Report(planner, stepMs, flops, uncond is null ? 1 : 2);
        var acceleration = method is null ? null
            : new AccelerationReport(method.Name, method.Parameters, plans, denseSteps, MethodFlops.IdealSpeedup(flops, denseSteps, plans, uncond is null ? 1 : 2));
        var g = geometry;
        cancel.ThrowIfCancellationRequested();
        onStage?.Invoke(GenerationStage.Decoding, steps);
        var decodeStart = Stopwatch.GetTimestamp();
        var image = _decoder.Decode(_latents, g.Height, g.Width);
        var decodeMs = Stopwatch.GetElapsedTime(decodeStart).TotalMilliseconds;
        var f = _decoder.UpscaleFactor;
        return new GenerationResult(image, _decoder.OutputChannels, g.Height * f, g.Width * f, steps, guidance, _scheduler.Name, policy.Method,
            timings, stepMs, textMs, report, notes)
        { Latents = (float[])_latents.Clone(), DecodeMs = decodeMs, TrueCfg = trueCfg, Acceleration = acceleration };
    }

    /// <summary>
    /// The request as Jano sees it: with a method, Jano options only for the Jano family (the request's, or the
    /// package's default preset, which falls back to dense if it cannot act), at the method's step count.
    /// </summary>
    private GenerationRequest JanoRequest(GenerationRequest request, int steps)
    {
        if (request.Method is not { } method) return request;
        if (!method.UsesJano) return request with { Jano = null };
        if (request.Jano is not null) return request with { Steps = steps };
        var m = Package.Manifest;
        var preset = m.DefaultJanoPreset is { } name && m.JanoPresets?.GetValueOrDefault(name) is { } options ? options : null;
        return request with { Jano = preset, Steps = steps, FallBackToDense = true };
    }

    /// <summary>
    /// The classifier-free guidance scale of a request and, for a package whose guidance is not
    /// classifier-free (FLUX), the true CFG scale it came from: PixArt and SD3 combine two branches by the
    /// guidance scale; FLUX.1-dev feeds the guidance scale to the model and combines branches only by
    /// true CFG (FluxPipeline's true_cfg_scale with a negative prompt); a model without guidance input
    /// refuses a guidance scale asked for.
    /// </summary>
    private (double Cfg, double? TrueCfg) GuidanceFor(GenerationRequest request, double guidance)
    {
        var m = Package.Manifest;
        if (m.Transformer.GuidanceIsCfg)
        {
            if (request.TrueCfg is { } asked)
                throw new ArgumentException($"true CFG {asked}: this {m.Family} package's guidance is classifier-free already; set the guidance scale instead");
            return (guidance, null);
        }
        if (m.Transformer.Guidance == TransformerComponent.NoGuidance && request.Guidance is { } given)
            throw new ArgumentException($"guidance {given}: this package's transformer takes no guidance scale (no guidance embedding, like FLUX.1-schnell); use true CFG for classifier-free guidance");
        var trueCfg = request.TrueCfg ?? m.Defaults.TrueCfg ?? 1.0;
        return (trueCfg, trueCfg);
    }

    /// <summary>
    /// Ideal speed-up = dense FLOPs / the FLOPs of the token counts actually computed, prefix rows, cond
    /// and caption stage included (<see cref="FlopCounter.IdealSpeedup"/>). The estimated measured
    /// speed-up takes this run's mean full-step time as the dense step time.
    /// </summary>
    private static JanoReport Report(JanoPlanner planner, double[] stepMs, FlopShape flops, int branches)
    {
        var tokens = flops.Geometry.Tokens;
        var fullSteps = Enumerable.Range(0, planner.Steps).Where(i => planner.TokensPerStep[i] == tokens).Select(i => stepMs[i]).ToList();
        var estimated = fullSteps.Count == 0 ? double.NaN : fullSteps.Average() * planner.Steps / stepMs.Sum();
        return new JanoReport(planner.Options, planner.Levels, planner.TokensPerStep, planner.Mask!, planner.Maps,
            FlopCounter.IdealSpeedup(flops, planner.TokensPerStep, branches), estimated, planner.AnalysisMs);
    }

    private CaptionInput Encode(string prompt, string statesField) => (_text
        ?? throw new ArgumentException($"{Package.Folder}: the package has no text encoder; give the conditioning as {statesField}")).Encode(prompt).ToCaption();

    /// <summary>A prompt through the package's text encoder, as the engine takes it (the states of its real tokens).</summary>
    public CaptionInput EncodePrompt(string prompt) => Encode(prompt, nameof(GenerationRequest.PromptStates));

    private static StepTimings Snapshot(StepTimings t) => new() { SessionTicks = t.SessionTicks, AttentionTicks = t.AttentionTicks, RowsTicks = t.RowsTicks };

    private static StepTimings Difference(StepTimings now, StepTimings before) => new()
    {
        SessionTicks = now.SessionTicks - before.SessionTicks,
        AttentionTicks = now.AttentionTicks - before.AttentionTicks,
        RowsTicks = now.RowsTicks - before.RowsTicks,
    };

    public void Dispose()
    {
        _engine.Dispose();
        _program.Dispose();
        _decoder.Dispose();
        _text?.Dispose();
        _device.Dispose();
    }
}
