using Jano.Core.Geometry;
using Jano.Core.Schedulers;
using Jano.Core.Stages;

namespace Jano.Core.Packages;

/// <summary>The checks of a parsed manifest that need no file: every message names the field.</summary>
internal static class ManifestValidator
{
    public static void Validate(ModelManifest m, string path)
    {
        ModelPackageException Bad(string field, string problem) => new($"{path}: field '{field}' {problem}");
        if (m.Components is null) throw Bad("components", "is missing");
        var t = m.Components.Transformer ?? throw Bad("components.transformer", "is missing");
        if (t.Family is not (PixArtStages.Family or Sd3Stages.Family or FluxStages.Family))
            throw Bad("components.transformer.family", $"is '{t.Family}'; this runtime knows: {PixArtStages.Family}, {Sd3Stages.Family}, {FluxStages.Family}");
        if (t.DType is not ("float32" or "float16")) throw Bad("components.transformer.dtype", $"is '{t.DType}'; this runtime reads float32 and float16 packages");
        var g = t.Geometry ?? throw Bad("components.transformer.geometry", "is missing");
        if (g.Problem() is { } geometryProblem) throw Bad("components.transformer.geometry." + geometryProblem.Split(':')[0], geometryProblem[(geometryProblem.IndexOf(':') + 2)..]);
        var d = t.Dims ?? throw Bad("components.transformer.dims", "is missing");
        if (d.HiddenSize <= 0 || d.Depth <= 0 || d.Heads <= 0 || d.HeadDim <= 0 || d.MlpHidden <= 0 || d.CaptionChannels <= 0)
            throw Bad("components.transformer.dims", "has a non-positive size");
        if (d.Heads * d.HeadDim != d.HiddenSize) throw Bad("components.transformer.dims.heads", $"× headDim ({d.Heads}×{d.HeadDim}) differs from hiddenSize {d.HiddenSize}");

        var s = t.Stages ?? throw Bad("components.transformer.stages", "is missing");
        foreach (var (name, graph) in new[] { ("embed", s.Embed), ("cond", s.Cond), ("context", s.Context), ("final", s.Final), ("attention", s.Attention) })
            if (graph?.File is null || graph.Inputs is null || graph.Outputs is null) throw Bad($"components.transformer.stages.{name}", "is missing or lacks file, inputs or outputs");
        if (s.Blocks is null || s.Blocks.Count != d.Depth)
            throw Bad("components.transformer.stages.blocks", $"lists {s.Blocks?.Count ?? 0} blocks, dims.depth is {d.Depth}");
        for (var i = 0; i < s.Blocks.Count; i++)
        {
            var b = s.Blocks[i];
            if (!BlockKind.All.Contains(b.Kind)) throw Bad($"components.transformer.stages.blocks[{i}].kind", $"is '{b.Kind}'; kinds: {string.Join(", ", BlockKind.All)}");
            if (!BlockKind.Supported.Contains(b.Kind)) throw Bad($"components.transformer.stages.blocks[{i}].kind", $"is '{b.Kind}', which this runtime cannot run yet (it runs: {string.Join(", ", BlockKind.Supported)})");
            if (b.Pre?.File is null || b.Post?.File is null || b.Pre.Inputs is null || b.Post.Inputs is null || b.Pre.Outputs is null || b.Post.Outputs is null)
                throw Bad($"components.transformer.stages.blocks[{i}]", "lacks a pre or post graph with file, inputs and outputs");
        }
        var sizes = s.Cond.Inputs.Contains(StageRoles.Names.Resolution);
        if (sizes && t.MicroConditions is not { PixelsPerLatent: > 0 })
            throw Bad("components.transformer.microConditions.pixelsPerLatent", "must be a positive integer for a cond graph that takes resolution and aspect ratio");
        if (t.Positions is { } positions) ValidatePositions(positions, t.Family, g, Bad);
        var flux = t.Family == FluxStages.Family;
        if (flux && t.Rope is null) throw Bad("components.transformer.rope", "is missing: a flux package's pre graphs rotate q and k by it");
        if (!flux && t.Rope is not null) throw Bad("components.transformer.rope", $"is set, but a {t.Family} package has no rotary embedding");
        if (t.Rope is { } rope && rope.Problem(d.HeadDim) is { } ropeProblem) throw Bad("components.transformer.rope", ropeProblem);
        if (flux && (g.PatchSize != FluxStages.PackFactor || g.Height % FluxStages.PackFactor != 0 || g.Width % FluxStages.PackFactor != 0))
            throw Bad("components.transformer.geometry.patchSize", $"is {g.PatchSize} on {g.Describe()} latent pixels; a flux package packs its latents 2×2 (patch size 2, even height and width)");
        if (t.Guidance is not (null or TransformerComponent.CfgGuidance or TransformerComponent.EmbeddedGuidance or TransformerComponent.NoGuidance))
            throw Bad("components.transformer.guidance", $"is '{t.Guidance}'; one of: {TransformerComponent.CfgGuidance}, {TransformerComponent.EmbeddedGuidance}, {TransformerComponent.NoGuidance}");
        var guidanceInput = s.Cond.Inputs.Contains(StageRoles.Names.Guidance);
        if (guidanceInput != (t.Guidance == TransformerComponent.EmbeddedGuidance))
            throw Bad("components.transformer.guidance", guidanceInput
                ? $"is '{t.Guidance ?? TransformerComponent.CfgGuidance}', but the cond graph takes the guidance scale: it must be '{TransformerComponent.EmbeddedGuidance}'"
                : $"is '{TransformerComponent.EmbeddedGuidance}', but the cond graph has no '{StageRoles.Names.Guidance}' input");
        foreach (var table in t.Tables ?? [])
        {
            if (table.Width <= 0) throw Bad($"components.transformer.tables['{table.Name}'].width", "must be positive");
            if (table.Rows is not (TokenTable.ImageRows or TokenTable.AllRows)) throw Bad($"components.transformer.tables['{table.Name}'].rows", $"is '{table.Rows}'; one of: {TokenTable.ImageRows}, {TokenTable.AllRows}");
        }

        // An empty list is a package that takes its conditioning as states (a pipeline exported without its text encoder).
        if (m.Components.TextEncoders is null) throw Bad("components.textEncoders", "is missing");
        var sd3 = m.Transformer.Family == Jano.Core.Stages.Sd3Stages.Family;
        foreach (var (e, i) in m.Components.TextEncoders.Select((e, i) => (e, i)))
        {
            if (e.Kind is not (TextEncoderComponent.MiniLm or TextEncoderComponent.T5 or TextEncoderComponent.Clip))
                throw Bad($"components.textEncoders[{i}].kind", $"is '{e.Kind}'; this runtime runs: {TextEncoderComponent.MiniLm}, {TextEncoderComponent.T5}, {TextEncoderComponent.Clip}");
            if (e.MaxTokens <= 0) throw Bad($"components.textEncoders[{i}].maxTokens", $"must be positive, found {e.MaxTokens}");
            if (e.Preprocess is not (null or TextEncoderComponent.LowerStrip))
                throw Bad($"components.textEncoders[{i}].preprocess", $"is '{e.Preprocess}'; known: {TextEncoderComponent.LowerStrip}");
            // SD3 joins its encoders' states (CLIP widths concatenated and padded, T5 appended): Sd3Conditioning checks the widths.
            // FLUX's CLIP gives the pooled vector only: FluxConditioning checks it against the cond graph.
            var pooledOnly = flux && e.Kind == TextEncoderComponent.Clip;
            if (!sd3 && !pooledOnly && e.HiddenSize != d.CaptionChannels) throw Bad($"components.textEncoders[{i}].hiddenSize", $"is {e.HiddenSize}, but the transformer takes {d.CaptionChannels}-wide caption states (dims.captionChannels)");
            if (e.Kind == TextEncoderComponent.T5 && (string.IsNullOrEmpty(e.Graph) || e.Tokenizer is not { Count: 1 }))
                throw Bad($"components.textEncoders[{i}]", "of kind t5 needs 'graph' (its ONNX file) and 'tokenizer' (its spiece.model)");
            if (e.Kind == TextEncoderComponent.Clip && (string.IsNullOrEmpty(e.Graph) || e.Tokenizer is not { Count: 2 or 3 }))
                throw Bad($"components.textEncoders[{i}]", "of kind clip needs 'graph' (its ONNX file) and 'tokenizer' (vocab.json, merges.txt and optionally tokenizer_config.json)");
            if (e.States is not (null or TextEncoderComponent.PenultimateStates or TextEncoderComponent.LastStates))
                throw Bad($"components.textEncoders[{i}].states", $"is '{e.States}'; known: {TextEncoderComponent.PenultimateStates}, {TextEncoderComponent.LastStates}");
        }
        var decoder = m.Components.Decoder;
        if (decoder.Kind is not (DecoderComponent.None or DecoderComponent.AutoencoderKl))
            throw Bad("components.decoder.kind", $"is '{decoder.Kind}'; this runtime decodes: {DecoderComponent.None} (pixel-space models), {DecoderComponent.AutoencoderKl}");
        if (decoder.Kind == DecoderComponent.AutoencoderKl && string.IsNullOrEmpty(decoder.Graph))
            throw Bad("components.decoder.graph", $"is missing: an {DecoderComponent.AutoencoderKl} decoder needs its graph file");
        if (decoder.Kind == DecoderComponent.AutoencoderKl && (!double.IsFinite(decoder.ScalingFactor) || decoder.ScalingFactor == 0 || !double.IsFinite(decoder.ShiftFactor)))
            throw Bad("components.decoder.scalingFactor", $"and shiftFactor must be finite and the scaling non-zero, found {decoder.ScalingFactor} and {decoder.ShiftFactor}");

        var scheduler = m.Components.Scheduler ?? throw Bad("components.scheduler", "is missing");
        if (scheduler.Config is { } config)
        {
            try { SchedulerConfigs.Parse(scheduler.ClassName ?? "", config); }
            catch (SchedulerConfigException e)
            {
                throw e.Option == "_class_name" ? Bad("components.scheduler.className", e.Problem) : Bad($"components.scheduler.config.{e.Option}", $"({e.ClassName}) {e.Problem}");
            }
        }
        else
        {
            var sampler = scheduler.Sampler ?? throw Bad("components.scheduler", "has neither a config nor sampler settings");
            if (sampler.Kind is not (SamplerSettings.FlowEuler or SamplerSettings.Ddim))
                throw Bad("components.scheduler.sampler.kind", $"is '{sampler.Kind}'; known: {SamplerSettings.FlowEuler}, {SamplerSettings.Ddim}");
        }
        if (m.Defaults.Steps <= 0) throw Bad("defaults.steps", $"must be positive, found {m.Defaults.Steps}");
        if (!double.IsFinite(m.Defaults.Guidance) || m.Defaults.Guidance < 0) throw Bad("defaults.guidance", $"must be a finite number ≥ 0, found {m.Defaults.Guidance}");
        if (m.Defaults.TrueCfg is { } trueCfg && (!double.IsFinite(trueCfg) || trueCfg < 1))
            throw Bad("defaults.trueCfg", $"must be a finite number ≥ 1 (1: one branch), found {trueCfg}");
        if (m.Defaults.TrueCfg is not null && t.GuidanceIsCfg)
            throw Bad("defaults.trueCfg", "is set, but this package's guidance is classifier-free already (defaults.guidance)");
        foreach (var (name, options) in m.JanoPresets ?? [])
        {
            if (options is null) throw Bad($"janoPresets.{name}", "is null; it must be an object of Jano options");
            if (options.ValueProblem() is var (field, problem)) throw Bad($"janoPresets.{name}.{field}", problem);
        }
        if (m.DefaultJanoPreset is { } preset && (m.JanoPresets is null || !m.JanoPresets.ContainsKey(preset)))
            throw Bad("defaultJanoPreset", $"is '{preset}', which is not one of the package's presets ({string.Join(", ", m.JanoPresets?.Keys.ToArray() ?? [])})");
        if (m.Acceleration?.TeaCache?.Problem() is { } teaCache) throw Bad("acceleration.teaCache.coefficients", teaCache);
        foreach (var (name, tuned) in m.Acceleration?.Presets ?? [])
        {
            if (tuned is null) throw Bad($"acceleration.presets.{name}", "is null; it must be an object (method, targetPsnr, steps)");
            if (tuned.Problem() is { } tunedProblem) throw Bad($"acceleration.presets.{name}", tunedProblem);
            if (m.JanoPresets is null || !m.JanoPresets.ContainsKey(name))
                throw Bad($"acceleration.presets.{name}", $"has no Jano options: janoPresets.{name} is missing");
        }
    }

    /// <summary>PixArt computes its table for any grid (sincos-2d); SD3 crops one built over pos_embed_max_size² (sincos-2d-cropped), which the package's own grid must fit.</summary>
    private static void ValidatePositions(PositionGenerator p, string family, LatentGeometry g, Func<string, string, ModelPackageException> bad)
    {
        const string field = "components.transformer.positions";
        var kind = family == Sd3Stages.Family ? PositionGenerator.SinCos2DCropped : PositionGenerator.SinCos2D;
        if (p.Kind != kind) throw bad(field + ".kind", $"is '{p.Kind}'; a {family} package's generator is '{kind}'");
        if (p.BaseSize <= 0 || !(p.InterpolationScale > 0))
            throw bad(field, $"must have a positive baseSize and interpolationScale, found {p.BaseSize}, {p.InterpolationScale}");
        if (kind == PositionGenerator.SinCos2D && p.MaxSize is not null)
            throw bad(field + ".maxSize", $"is set ({p.MaxSize}); only kind '{PositionGenerator.SinCos2DCropped}' has one");
        if (kind == PositionGenerator.SinCos2DCropped && p.MaxSize is not > 0)
            throw bad(field + ".maxSize", $"must be positive for kind '{kind}' (the side of the grid the table is cropped from), found {p.MaxSize?.ToString() ?? "none"}");
        if (p.GridProblem(g.GridHeight, g.GridWidth) is { } problem)
            throw bad(field + ".maxSize", $"is {p.MaxSize}, but the package's geometry does not fit: {problem}");
    }
}
