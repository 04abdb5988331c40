using System.Diagnostics;
using System.Globalization;
using Jano.Core.Packages;

namespace Jano.Cli;

/// <summary>`jano verify DIR`: every file of a package against the sha256 and size its manifest records.</summary>
public sealed class VerifyCommand : ICommand
{
    public string Name => "verify";
    public string Usage => "jano verify DIR";

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr)
    {
        var folder = args.Positional("package folder", required: true)!;
        args.EnsureAllUsed();
        var start = Stopwatch.GetTimestamp();
        var package = ModelPackage.Verify(folder); // throws, naming the file, on the first that differs
        var bytes = package.Manifest.Files.Sum(f => f.Bytes);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ok: {package.Folder}: {package.Manifest.Files.Count} files, {bytes / 1048576.0:F1} MiB, every sha256 matches the manifest ({Stopwatch.GetElapsedTime(start).TotalMilliseconds:F0} ms)"));
        return 0;
    }
}
