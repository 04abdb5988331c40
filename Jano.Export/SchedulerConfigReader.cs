using System.Text.Json;
using System.Text.Json.Nodes;
using Jano.Core.Packages;

namespace Jano.Export;

/// <summary>
/// Decides the sampler of an exported package: an explicit choice wins; otherwise a diffusers
/// scheduler config beside the transformer (pipeline layout: ../scheduler/scheduler_config.json);
/// otherwise learned-sigma models are taken as DDPM epsilon models (as PixArt and DiT releases)
/// and the rest as rectified flow.
/// </summary>
internal static class SchedulerConfigReader
{
    /// <summary>The package's scheduler component: diffusers' class and config verbatim where there was one, and the sampler we run.</summary>
    public static SchedulerComponent Resolve(string transformerFolder, ExportOptions options, bool learnedSigma, Action<string>? log)
    {
        if (options.Sampler is { } explicitKind)
            return Synthesized(Build(explicitKind, null, options, "--sampler"));

        foreach (var candidate in Candidates(transformerFolder))
        {
            if (!File.Exists(candidate)) continue;
            JsonObject root;
            try
            {
                root = JsonNode.Parse(File.ReadAllText(candidate)) as JsonObject
                    ?? throw new ExportException($"{candidate}: not a JSON object");
            }
            catch (JsonException e) { throw new ExportException($"{candidate}: invalid JSON: {e.Message}", e); }
            var reader = new ConfigReader(root, candidate);
            var cls = reader.String("_class_name", null);
            var kind = cls switch
            {
                "FlowMatchEulerDiscreteScheduler" => SamplerSettings.FlowEuler,
                "DDIMScheduler" or "DDPMScheduler" or "DPMSolverMultistepScheduler" or "EulerDiscreteScheduler" or "PNDMScheduler" => SamplerSettings.Ddim,
                _ => throw reader.Error("_class_name", $"is '{cls}'; known schedulers: FlowMatchEulerDiscreteScheduler (flow), DDIM/DDPM/DPMSolverMultistep/Euler/PNDM (epsilon, sampled with DDIM)"),
            };
            var prediction = reader.String("prediction_type", "epsilon");
            if (kind == SamplerSettings.Ddim && prediction != "epsilon")
                throw reader.Error("prediction_type", $"is '{prediction}'; only epsilon prediction is supported for DDPM-family models");
            log?.Invoke($"sampler: {kind} from {candidate}");
            using var verbatim = JsonDocument.Parse(File.ReadAllText(candidate));
            return new SchedulerComponent { ClassName = cls!, Config = verbatim.RootElement.Clone(), Sampler = Build(kind, reader, options, candidate) };
        }

        var inferred = learnedSigma ? SamplerSettings.Ddim : SamplerSettings.FlowEuler;
        log?.Invoke($"sampler: {inferred} (no scheduler config found; {(learnedSigma ? "learned-sigma output means an epsilon model" : "assumed rectified flow")}; pass --sampler to choose)");
        return Synthesized(Build(inferred, null, options, "inferred"));
    }

    /// <summary>No scheduler config to carry: the class that matches the sampler, no config.</summary>
    private static SchedulerComponent Synthesized(SamplerSettings sampler) =>
        new() { ClassName = SamplerSettings.ClassNameOf(sampler.Kind), Config = null, Sampler = sampler };

    private static IEnumerable<string> Candidates(string folder)
    {
        yield return Path.Combine(folder, "scheduler_config.json");
        yield return Path.Combine(folder, "scheduler", "scheduler_config.json");
        var parent = Path.GetDirectoryName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar));
        if (parent is not null) yield return Path.Combine(parent, "scheduler", "scheduler_config.json");
    }

    private static SamplerSettings Build(string kind, ConfigReader? reader, ExportOptions options, string source)
    {
        if (kind != SamplerSettings.FlowEuler && kind != SamplerSettings.Ddim)
            throw new ExportException($"{source}: sampler '{kind}' is unknown; use {SamplerSettings.FlowEuler} or {SamplerSettings.Ddim}");
        var settings = new SamplerSettings { Kind = kind };
        if (reader is not null)
        {
            settings = settings with
            {
                TrainTimesteps = reader.OptionalInt("num_train_timesteps") ?? settings.TrainTimesteps,
                Shift = reader.OptionalDouble("shift") ?? settings.Shift,
                BetaStart = reader.OptionalDouble("beta_start") ?? settings.BetaStart,
                BetaEnd = reader.OptionalDouble("beta_end") ?? settings.BetaEnd,
                BetaSchedule = reader.String("beta_schedule", settings.BetaSchedule)!,
            };
        }
        if (options.Shift is { } shift) settings = settings with { Shift = shift };
        if (settings.Shift <= 0) throw new ExportException($"{source}: shift must be positive, found {settings.Shift}");
        if (settings.BetaSchedule is not ("linear" or "scaled_linear"))
            throw new ExportException($"{source}: field 'beta_schedule' is '{settings.BetaSchedule}'; supported: linear, scaled_linear");
        return settings;
    }
}
