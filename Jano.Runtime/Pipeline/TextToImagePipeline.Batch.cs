using System.Diagnostics;
using Jano.Core.Packages;
using Jano.Runtime.Engine;
using Jano.Runtime.Sampling;
using Jano.Runtime.Schedulers;

namespace Jano.Runtime.Pipeline;

public sealed partial class TextToImagePipeline
{
    /// <summary>Schedulers of images 2..k of a batched generation (image 1 uses the pipeline's own); made once, reused.</summary>
    private readonly List<IScheduler> _batchSchedulers = [];

    /// <summary>
    /// Whether <see cref="GenerateBatch"/> can run these requests in one batch: dense (no Jano options, no
    /// method), one latent size, one step count, all with guidance or all without (so every image has the
    /// same number of branches), and for a package that takes guidance as an input (FLUX.1-dev) one
    /// guidance scale. Null when they can; else why not.
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
            if (r.Jano is not null || r.Method is not null || r.ForcedMask is not null) return "a request accelerates (batched forwards run dense)";
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
    /// state. Dense only; <see cref="WhyNotOneBatch"/> says what a batch must share. Results come in request
    /// order; each result's step times are the batch's divided by the number of images (the cost per image).
    /// An image of a batch may differ from the same request generated alone in the last bits (the captions
    /// are padded to the batch's longest, and matrix products may block a larger batch differently); a
    /// batch of the same requests always gives the same bytes.
    /// </summary>
    public IReadOnlyList<GenerationResult> GenerateBatch(IReadOnlyList<GenerationRequest> requests)
    {
        foreach (var r in requests) r.Validate();
        if (WhyNotOneBatch(requests) is { } why) throw new ArgumentException($"these requests cannot run as one batch: {why}");
        var k = requests.Count;
        var m = Package.Manifest;
        var first = requests[0];
        var steps = first.Steps ?? m.Defaults.Steps;
        var geometry = GeometryFor(first, out var sizeNote);
        var notes = new[] { sizeNote }.OfType<string>().ToList();
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
        var stepMs = new double[steps];
        var before = Snapshot(engine.Timings);
        long totalTicks = 0;
        for (var i = 0; i < steps; i++)
        {
            var stepStart = Stopwatch.GetTimestamp();
            for (var j = 0; j < k; j++)
                if (schedulers[j].ScalesModelInput) schedulers[j].ScaleModelInput(i, latents[j], modelInput[j]);
            engine.ForwardImages(modelInput, schedulers[0].ModelTimestep(i), tokens);
            for (var j = 0; j < k; j++)
            {
                if (useGuidance)
                    Guidance.Combine(engine.Output(j * branches), engine.Output(j * branches + 1), (float)scales[j].Cfg, guided[j]);
                else
                    engine.Output(j).CopyTo(guided[j]);
                engine.Unpatchify(guided[j], prediction[j]);
                schedulers[j].Step(i, prediction[j], latents[j]);
                if (requests[j].CheckLatents) LatentGuard.AfterStep(latents[j], prediction[j], i + 1, steps, requests[j].Seed);
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

        var results = new GenerationResult[k];
        var f = _decoder.UpscaleFactor;
        for (var j = 0; j < k; j++)
        {
            var decodeStart = Stopwatch.GetTimestamp();
            var image = _decoder.Decode(latents[j], geometry.Height, geometry.Width);
            var decodeMs = Stopwatch.GetElapsedTime(decodeStart).TotalMilliseconds;
            results[j] = new GenerationResult(image, _decoder.OutputChannels, geometry.Height * f, geometry.Width * f, steps, guidance[j], schedulers[j].Name, "dense",
                perImage, (double[])stepMs.Clone(), textMs, null, notes)
            { Latents = latents[j], DecodeMs = decodeMs, TrueCfg = scales[j].TrueCfg };
        }
        return results;
    }

    private IReadOnlyList<IScheduler> SchedulersFor(int images)
    {
        while (_batchSchedulers.Count < images - 1) _batchSchedulers.Add(SchedulerFactory.Create(Package.Manifest.Components.Scheduler));
        return [_scheduler, .. _batchSchedulers.Take(images - 1)];
    }
}
