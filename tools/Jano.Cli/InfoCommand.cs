using System.CommandLine;
using System.Globalization;
using Jano.Cli.CommandLine;
using Jano.Core.Packages;

namespace Jano.Cli;

/// <summary>`jano info DIR`: what a package holds (family, sizes, encoders, scheduler, guidance, files) and its FLOPs per step.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("DIR") { Description = "The model package folder" };
        var tokens = CliOptions.OptionalInt("--tokens", "Image tokens a step computes, for the FLOP count (default: all of the package's)", 1, int.MaxValue, OptionGroups.Output);
        var textTokens = CliOptions.Int("--text-tokens", "Caption tokens of a cross-attention family, for the FLOP count", 8, 1, 100_000, OptionGroups.Output);
        var verbose = CliOptions.Switch("--verbose", "Also how long opening and validating the package took", OptionGroups.Output);
        var command = new Command("info", "Describe a model package and its FLOPs per denoising step") { folder, tokens, textTokens, verbose };
        CliAction.Set(command, (parse, stdout, stderr) => Run(parse.GetValue(folder)!, parse.GetValue(tokens), parse.GetValue(textTokens), parse.GetValue(verbose), stdout));
        return command;
    }

    /// <summary>The pooled text width the cond graph takes (SD3), read from the graph: the manifest does not size it.</summary>
    private static int PooledWidth(ModelPackage package)
    {
        var cond = package.Manifest.Stages.Cond;
        if (!cond.Inputs.Contains(Jano.Core.Stages.StageRoles.Names.Pooled)) return 0;
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(package.PathOf(cond.File));
        return checked((int)session.InputMetadata[Jano.Core.Stages.StageRoles.Names.Pooled].Dimensions[1]);
    }

    /// <summary>How the package guides, as a run of it does: the passes each step takes and what the scale means.</summary>
    private static string GuidanceLine(ModelManifest m)
    {
        var inv = CultureInfo.InvariantCulture;
        var t = m.Transformer;
        if (t.GuidanceIsCfg)
            return string.Create(inv, $"classifier-free guidance {m.Defaults.Guidance} (2 passes per step; 1 pass at guidance 1)");
        var trueCfg = m.Defaults.TrueCfg ?? 1.0;
        var branches = trueCfg > 1 ? string.Create(inv, $"true CFG {trueCfg} (2 passes per step, with a negative prompt)") : "true CFG off (1 pass per step; --true-cfg X above 1 adds the negative prompt's pass)";
        return t.Guidance == TransformerComponent.NoGuidance
            ? $"none embedded (no guidance input, like FLUX.1-schnell); {branches}"
            : string.Create(inv, $"embedded guidance {m.Defaults.Guidance} (the scale is a model input); {branches}");
    }

    public static int Run(string folder, int? tokensOption, int textTokens, bool verbose, TextWriter stdout)
    {

        var package = ModelPackage.Open(folder);
        var m = package.Manifest;
        var (d, g) = (m.Dims, m.Geometry);
        var tokens = tokensOption ?? g.Tokens;
        if (tokens <= 0 || tokens > g.Tokens) throw new UsageException($"--tokens must be between 1 and the package's {g.Tokens} image tokens (the image tokens a step computes), got {tokens}");

        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"package    {Path.GetFullPath(folder)} (format version {m.FormatVersion})");
        stdout.WriteLine($"name       {m.Name}");
        stdout.WriteLine($"family     {m.Family}  dtype {m.DType}");
        stdout.WriteLine($"dims       width {d.HiddenSize}, depth {d.Depth}, heads {d.Heads} x {d.HeadDim}, mlp {d.MlpHidden}");
        stdout.WriteLine($"image      {g.Height}x{g.Width}x{g.Channels} latent, patch {g.PatchSize}, {g.GridHeight}x{g.GridWidth} = {g.Tokens} tokens, {g.PrefixRows} prefix rows, out channels {g.OutChannels}");
        foreach (var e in m.Components.TextEncoders)
            stdout.WriteLine($"text       {e.Kind} {e.Name} ({e.HiddenSize}-d, up to {e.MaxTokens} tokens, outputs {string.Join(", ", e.Outputs)})");
        stdout.WriteLine($"decoder    {m.Components.Decoder.Kind}");
        var scheduler = m.Sampler is { } sampler && m.Components.Scheduler.Config is null
            ? $"{m.Components.Scheduler.ClassName} → {sampler.Kind} (shift {sampler.Shift.ToString(inv)}; no scheduler config: the runtime's own sampler)"
            : $"{m.Components.Scheduler.ClassName} (diffusers semantics, from the package's scheduler config)";
        stdout.WriteLine($"scheduler  {scheduler}, default {m.Defaults.Steps} steps, guidance {m.Defaults.Guidance.ToString(inv)}");
        stdout.WriteLine($"guidance   {GuidanceLine(m)}");
        stdout.WriteLine($"blocks     {string.Join(", ", m.Stages.Blocks.GroupBy(b => b.Kind).Select(k => $"{k.Count()} {k.Key}"))}");
        // Joint families attend to their L prefix rows; only cross-attention takes the caption length.
        var joint = m.Stages.Blocks.Any(b => b.Kind != Jano.Core.Stages.BlockKind.Cross);
        var flops = FlopShape.Of(m, textTokens, PooledWidth(package));
        stdout.WriteLine($"parameters {FlopCounter.Parameters(flops):N0}");
        stdout.WriteLine("files");
        foreach (var (stage, file) in ModelPackage.ReferencedFiles(m))
        {
            var bytes = m.Files.FirstOrDefault(f => f.Path == file)?.Bytes ?? 0;
            stdout.WriteLine($"  {stage,-16} {file,-24} {bytes / 1024.0,10:N1} KiB");
        }
        var perPass = FlopCounter.Forward(flops, tokens);
        var caption = joint ? $"{g.PrefixRows} text rows computed every step" : $"caption {textTokens} tokens";
        // A step computing fewer tokens still attends to all of the package's image tokens (their cached K/V).
        var at = tokens == g.Tokens ? $"{tokens} tokens" : $"{tokens} of the {g.Tokens} image tokens (attending to all {g.Tokens})";
        stdout.WriteLine($"FLOPs per denoising step at {at} ({caption}): " +
            $"{perPass / 1e9:N3} GFLOP per forward pass, {2 * perPass / 1e9:N3} GFLOP with classifier-free guidance (2 passes); " +
            $"cond {FlopCounter.Cond(flops) / 1e6:N3} MFLOP per run, caption stage {FlopCounter.Caption(flops) / 1e9:N3} GFLOP per prompt");
        if (verbose)
            stdout.WriteLine(string.Create(inv, $"opened in {package.OpenTime.TotalMilliseconds:F1} ms (manifest parsed and validated, {m.Files.Count} file sizes checked, sha256 of the {m.Files.Count(f => f.Bytes <= ModelPackage.HashOnOpenLimit)} files of at most {ModelPackage.HashOnOpenLimit >> 20} MiB; `jano verify` hashes all)"));
        return 0;
    }
}
