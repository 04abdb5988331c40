using Jano.Core.IO;
using System.Text.Json;
using Jano.Core.Packages;
using Jano.Core.Schedulers;

namespace Jano.Export;

/// <summary>
/// Decides the scheduler of an exported package. An explicit --sampler wins (the runtime's own
/// sampler, no config). Otherwise a diffusers scheduler config beside the transformer (pipeline layout:
/// ../scheduler/scheduler_config.json) is carried verbatim with its class name, after checking that
/// the runtime runs that class with those options (Jano.Core/Schedulers): a class or option it cannot
/// run fails the export with the file and field, never a substitute. Without a config, learned-sigma
/// models are taken as DDPM epsilon models (as PixArt and DiT releases) and the rest as rectified flow.
/// </summary>
internal static class SchedulerConfigReader
{
    /// <summary>The package's scheduler component: diffusers' class and config verbatim where there was one, else sampler settings.</summary>
    public static SchedulerComponent Resolve(string transformerFolder, ExportOptions options, bool learnedSigma, Action<string>? log)
    {
        if (options.Sampler is { } explicitKind)
        {
            if (Candidates(transformerFolder).FirstOrDefault(File.Exists) is { } unused)
                log?.Invoke($"sampler: {explicitKind} (--sampler; {unused} is not used)");
            return Synthesized(Build(explicitKind, options, "--sampler"));
        }

        foreach (var candidate in Candidates(transformerFolder))
        {
            if (File.Exists(candidate)) return FromConfig(candidate, options, log);
        }

        var inferred = learnedSigma ? SamplerSettings.Ddim : SamplerSettings.FlowEuler;
        log?.Invoke($"sampler: {inferred} (no scheduler config found; {(learnedSigma ? "learned-sigma output means an epsilon model" : "assumed rectified flow")}; pass --sampler to choose)");
        return Synthesized(Build(inferred, options, "inferred"));
    }

    private static SchedulerComponent FromConfig(string path, ExportOptions options, Action<string>? log)
    {
        JsonElement root;
        try { root = DiffusersJson.Parse(File.ReadAllText(path)); } // Python writes -Infinity for lambda_min_clipped
        catch (JsonException e) { throw new ExportException($"{path}: invalid JSON: {JsonInput.OneLine(e)}", e); }
        if (root.ValueKind != JsonValueKind.Object) throw new ExportException($"{path}: not a JSON object");
        if (!root.TryGetProperty("_class_name", out var name) || name.ValueKind != JsonValueKind.String)
            throw new ExportException($"{path}: field '_class_name' is missing or not a string; schedulers this runtime runs: {string.Join(", ", SchedulerConfigs.Supported)}");
        var className = name.GetString()!;
        if (options.Shift is not null)
            throw new ExportException($"{path}: --shift is for packages without a scheduler config; this config decides the schedule (edit its field 'shift' instead)");
        SchedulerConfig parsed;
        try { parsed = SchedulerConfigs.Parse(className, root); }
        catch (SchedulerConfigException e) { throw new ExportException($"{path}: field '{e.Option}' {e.Problem} ({e.ClassName})", e); }
        var ignored = parsed.IgnoredOptions.Count == 0 ? "" : $"; ignored as diffusers v0.32.2 ignores them: {string.Join(", ", parsed.IgnoredOptions)}";
        log?.Invoke($"scheduler: {className} from {path}{ignored}");
        return new SchedulerComponent { ClassName = className, Config = root };
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

    private static SamplerSettings Build(string kind, ExportOptions options, string source)
    {
        if (kind != SamplerSettings.FlowEuler && kind != SamplerSettings.Ddim)
            throw new ExportException($"{source}: sampler '{kind}' is unknown; use {SamplerSettings.FlowEuler} or {SamplerSettings.Ddim}");
        var settings = new SamplerSettings { Kind = kind };
        if (options.Shift is { } shift) settings = settings with { Shift = shift };
        if (!(settings.Shift > 0) || double.IsInfinity(settings.Shift)) throw new ExportException($"{source}: shift must be a positive number, found {settings.Shift}");
        return settings;
    }
}
