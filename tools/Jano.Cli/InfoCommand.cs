using System.Globalization;
using Jano.Runtime.Packages;

namespace Jano.Cli;

public sealed class InfoCommand : ICommand
{
    public string Name => "info";
    public string Usage => "jano info DIR [--tokens N] [--text-tokens L]";

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr)
    {
        var folder = args.Positional("package folder", required: true)!;
        var tokensOption = args.Int("tokens");
        var textTokens = args.Int("text-tokens") ?? 8;
        args.EnsureAllUsed();

        var package = ModelPackage.Open(folder);
        var m = package.Manifest;
        var d = m.Dims;
        var tokens = tokensOption ?? d.Tokens;
        if (tokens <= 0) throw new UsageException("--tokens must be positive");
        if (textTokens <= 0) throw new UsageException("--text-tokens must be positive");

        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"package    {Path.GetFullPath(folder)}");
        stdout.WriteLine($"name       {m.Name}");
        stdout.WriteLine($"family     {m.Family}  dtype {m.DType}");
        stdout.WriteLine($"dims       width {d.HiddenSize}, depth {d.Depth}, heads {d.Heads} x {d.HeadDim}, mlp {d.MlpHidden}");
        stdout.WriteLine($"image      {d.SampleSize}x{d.SampleSize}x{d.InChannels} latent, patch {d.PatchSize}, {d.Tokens} tokens, out channels {d.OutChannels}");
        stdout.WriteLine($"text       {m.TextEncoder.Name} ({m.TextEncoder.HiddenSize}-d, up to {m.TextEncoder.MaxTokens} tokens)");
        stdout.WriteLine($"sampler    {m.Sampler.Kind} (shift {m.Sampler.Shift.ToString(inv)}), default {m.Defaults.Steps} steps, guidance {m.Defaults.Guidance.ToString(inv)}");
        stdout.WriteLine($"parameters {FlopCounter.Parameters(d):N0}");
        stdout.WriteLine("stages");
        foreach (var (stage, file) in package.StageFileList())
        {
            var bytes = m.Files.FirstOrDefault(f => f.Path == file)?.Bytes ?? 0;
            stdout.WriteLine($"  {stage,-12} {file,-22} {bytes / 1024.0,10:N1} KiB");
        }
        var perPass = FlopCounter.Forward(d, tokens, tokens, textTokens);
        stdout.WriteLine($"FLOPs per denoising step at {tokens} tokens (caption {textTokens} tokens): " +
            $"{perPass / 1e9:N3} GFLOP per forward pass, {2 * perPass / 1e9:N3} GFLOP with classifier-free guidance (2 passes)");
        return 0;
    }
}
