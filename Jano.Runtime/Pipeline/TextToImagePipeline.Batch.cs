using System.Diagnostics;
using Jano.Core.Packages;
using Jano.Runtime.Engine;
using Jano.Runtime.Sampling;
using Jano.Runtime.Schedulers;
using Jano.Runtime.Scheduling;

namespace Jano.Runtime.Pipeline;

public sealed partial class TextToImagePipeline
{
    /// <summary>Schedulers of images 2..k of a batched generation (image 1 uses the pipeline's own); made once, reused.</summary>
    private readonly List<IScheduler> _batchSchedulers = [];

    /// <summary>
    /// Whether <see cref="GenerateBatch"/> can run these requests in one batch: all dense or all Jano with
    /// the same options (no other method, no forced mask), one latent size, one step count, all with
    /// guidance or all without (so every image has the same number of branches), and for a package that
    /// takes guidance as an input (FLUX.1-dev) one guidance scale. Null when they can; else why not.
    /// </summary>
    public string? WhyNotOneBatch(IReadOnlyList<GenerationRequest> requests)
    {
        if (requests.Count == 0) return "no requests";
        var m = Package.Manifest;
        var first = requests[0];
        var geometry = GeometryFor(first);
        var steps = first.Steps ?? m.Defaults.Steps;
        var guidance = first.Guidance ?? m.Defaults.Guidance;
        var branches = GuidanceFor(first, guidance).Cfg != 1.0;
        foreach (var r in requests)
        {
            if (r.Method is not null || r.ForcedMask is not null) return "a request names an acceleration method or a forced mask (batches run dense or Jano)";
            if (r.Jano != first.Jano) return "the requests differ in Jano options (dense and Jano, or two presets)";
            var g = GeometryFor(r);
            if (g.Height != geometry.Height || g.Width != geometry.Width) return "the requests differ in size";
            if ((r.Steps ?? m.Defaults.Steps) != steps) return "the requests differ in step count";
            var scale = r.Guidance ?? m.Defaults.Guidance;
            if ((GuidanceFor(r, scale).Cfg != 1.0) != branches) return "some requests use guidance and some do not";
            if (m.Transformer.Guidance == TransformerComponent.EmbeddedGuidance && scale != guidance) return "the package takes guidance as an input: one scale per batch";
        }
        return null;
    }

    /// <summary>
    /// Generates several images in one batch: every step is one forward over all images' branches
    /// (B = images × branches), each image with its own noise (seed), captions, guidance scale and scheduler
    /// state; <see cref="WhyNotOneBatch"/> says what a batch must share. Results come in request order; each
    /// result's step times are the batch's divided by the number of images (the cost per image).
    /// With Jano every image runs its own warm-up analysis and gets its own mask; as the engine's graphs take
    /// one position table for the batch, the batch shares one token order, that of the union of the masks
    /// (each token at its most active level over the images), and every step computes the union's prefix for
    /// the step's level. Each image thus has at least its own tokens computed, and more: a Jano image of a
    /// batch is the image its request gives alone with the union as a forced mask, closer to dense than
    /// alone, and costs the union's tokens (which grow with the batch).
    /// A dense image of a batch may differ from the same request alone in the last bits (captions are
    /// padded to the batch's longest, and matrix products may block a larger batch differently; on the CPU
    /// provider the default model's are the same bits); a batch of the same requests gives the same bytes.
    /// </summary>
    public IReadOnlyList<GenerationResult> GenerateBatch(IReadOnlyList<GenerationRequest> requests)
    {
        using var _ = _gate.Enter(); // one generation (or batch) at a time, as Generate and GenerateAsync
        foreach (var r in requests) r.Validate();
        if (WhyNotOneBatch(requests) is { } why) throw new ArgumentException($"these requests cannot run as one batch: {why}");
        var k = requests.Count;
        var m = Package.Manifest;
        var first = requests[0];
        var steps = first.Steps ?? m.Defaults.Steps;
        var geometry = GeometryFor(first, out var sizeNote);
        var jano = EffectiveJano(first, out var janoNote);
        var notes = new[] { sizeNote, janoNote }.OfType<string>().ToList();
        var engine = EngineFor(geometry, k);
        var schedulers = SchedulersFor(k);
        var fluxSigmas = m.Family == Jano.Core.Stages.FluxStages.Family && _scheduler is FlowMatchEulerDiscreteScheduler && m.Components.Scheduler.Config is not null;
        foreach (var scheduler in schedulers)
        {
            scheduler.SetTimesteps(steps, new TimestepOptions
            {
                ImageSequenceLength = geometry.Tokens,
                Sigmas = fluxSigmas ? FlowMatchEulerDiscreteScheduler.FluxSigmas(steps) : null,
            });
            if (scheduler.Steps != steps)
                throw new ArgumentException($"{scheduler.Name} makes {scheduler.Steps} timesteps for {steps} steps with this config; choose another step count");
        }
        var guidance = requests.Select(r => r.Guidance ?? m.Defaults.Guidance).ToArray();
        var scales = requests.Select((r, j) => GuidanceFor(r, guidance[j])).ToArray();
        var useGuidance = scales[0].Cfg != 1.0;
        if (m.Transformer.Guidance == TransformerComponent.EmbeddedGuidance) engine.SetEmbeddedGuidance((float)guidance[0]);

        var textStart = Stopwatch.GetTimestamp();
        var cond = requests.Select(r => r.PromptStates ?? Encode(r.Prompt, nameof(r.PromptStates))).ToList();
        var uncond = useGuidance ? requests.Select(r => r.NegativePromptStates ?? Encode(r.NegativePrompt, nameof(r.NegativePromptStates))).ToList() : null;
        engine.ResetOrder();
        engine.KeepBlockResidual = false;
        engine.SetImageCaptions(cond, uncond);
        var textMs = Stopwatch.GetElapsedTime(textStart).TotalMilliseconds / k;

        int values = geometry.LatentValues, tokens = geometry.Tokens;
        var latents = new float[k][];
        var modelInput = new float[k][];
        var prediction = new float[k][];
        var guided = new float[k][];
        for (var j = 0; j < k; j++)
        {
            latents[j] = new float[values];
            modelInput[j] = schedulers[j].ScalesModelInput ? new float[values] : latents[j];
            prediction[j] = new float[values];
            guided[j] = new float[tokens * geometry.PatchOutputWidth];
            if (requests[j].InitialNoise is { } noise)
            {
                if (noise.Length != values) throw new ArgumentException($"initial noise has {noise.Length} values, the {geometry.Describe()} latents {values} ({geometry.Channels} channels)");
                noise.CopyTo(latents[j], 0);
            }
            else
            {
                GaussianNoise.Fill(latents[j], requests[j].Seed);
                if (schedulers[j].InitNoiseSigma != 1.0)
                    System.Numerics.Tensors.TensorPrimitives.Multiply(latents[j], (float)schedulers[j].InitNoiseSigma, latents[j]);
            }
        }

        var branches = useGuidance ? 2 : 1;
        JanoPlanner[]? planners = null;
        if (jano is not null)
        {
            planners = new JanoPlanner[k];
            for (var j = 0; j < k; j++)
            {
                planners[j] = new JanoPlanner(jano, steps, tokens, new BlockDynamicsAnalysis(jano, geometry, _blockDynamics));
                planners[j].RecordInitialNoise(latents[j]);
            }
        }
        TokenMask? union = null;
        var masks = new TokenMask?[k];
        var stepMs = new double[steps];
        var before = Snapshot(engine.Timings);
        long totalTicks = 0;
        for (var i = 0; i < steps; i++)
        {
            var stepStart = Stopwatch.GetTimestamp();
            for (var j = 0; j < k; j++)
                if (schedulers[j].ScalesModelInput) schedulers[j].ScaleModelInput(i, latents[j], modelInput[j]);
            var n = union is null ? tokens : union.TokensFor(planners![0].Levels[i]);
            if (planners is not null)
                foreach (var planner in planners) { planner.TokensFor(i + 1); planner.TokensPerStep[i] = n; } // what ran: the union's prefix
            engine.ForwardImages(modelInput, schedulers[0].ModelTimestep(i), n);
            for (var j = 0; j < k; j++)
            {
                if (useGuidance)
                    Guidance.Combine(engine.Output(j * branches), engine.Output(j * branches + 1), (float)scales[j].Cfg, guided[j]);
                else
                    engine.Output(j).CopyTo(guided[j]);
                engine.Unpatchify(guided[j], prediction[j]);
                if (planners is not null) masks[j] = planners[j].AfterStep(i + 1, prediction[j]);
                schedulers[j].Step(i, prediction[j], latents[j]);
                if (requests[j].CheckLatents) LatentGuard.AfterStep(latents[j], prediction[j], i + 1, steps, requests[j].Seed);
            }
            if (planners is not null && masks[0] is not null)
            {
                // Every image's mask is built after the same warm-up step: from now on the batch runs the union's order.
                union = Union(masks!);
                engine.SetOrder(union.Order);
                Array.Clear(masks);
            }
            var elapsed = Stopwatch.GetTimestamp() - stepStart;
            totalTicks += elapsed;
            stepMs[i] = StepTimings.Ms(elapsed) / k;
        }
        var timings = Difference(engine.Timings, before);
        timings.TotalTicks = totalTicks;
        var perImage = new StepTimings
        {
            SessionTicks = timings.SessionTicks / k, AttentionTicks = timings.AttentionTicks / k,
            RowsTicks = timings.RowsTicks / k, TotalTicks = timings.TotalTicks / k,
        };

        var captionTokens = cond.Concat(uncond ?? []).Max(c => c.Tokens);
        var flops = FlopShape.Of(m, captionTokens, cond[0].Pooled?.Length ?? 0).At(geometry);
        var results = new GenerationResult[k];
        var f = _decoder.UpscaleFactor;
        for (var j = 0; j < k; j++)
        {
            var decodeStart = Stopwatch.GetTimestamp();
            var image = _decoder.Decode(latents[j], geometry.Height, geometry.Width);
            var decodeMs = Stopwatch.GetElapsedTime(decodeStart).TotalMilliseconds;
            var report = planners is null ? null : Report(planners[j], stepMs, flops, branches);
            results[j] = new GenerationResult(image, _decoder.OutputChannels, geometry.Height * f, geometry.Width * f, steps, guidance[j], schedulers[j].Name, jano is null ? "dense" : "jano",
                perImage, (double[])stepMs.Clone(), textMs, report, notes)
            { Latents = latents[j], DecodeMs = decodeMs, TrueCfg = scales[j].TrueCfg };
        }
        return results;
    }

    /// <summary>Each token at its most active level over the masks (Active &lt; Medium &lt; Static).</summary>
    public static TokenMask Union(IReadOnlyList<TokenMask> masks)
    {
        var levels = (TokenLevel[])masks[0].Levels.Clone();
        foreach (var mask in masks.Skip(1))
            for (var t = 0; t < levels.Length; t++)
                if (mask.Levels[t] < levels[t]) levels[t] = mask.Levels[t];
        return new TokenMask(levels);
    }

    private IReadOnlyList<IScheduler> SchedulersFor(int images)
    {
        while (_batchSchedulers.Count < images - 1) _batchSchedulers.Add(SchedulerFactory.Create(Package.Manifest.Components.Scheduler));
        return [_scheduler, .. _batchSchedulers.Take(images - 1)];
    }
}
