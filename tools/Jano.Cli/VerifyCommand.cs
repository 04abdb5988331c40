using System.CommandLine;
using System.Diagnostics;
using Jano.Cli.CommandLine;
using System.Globalization;
using Jano.Core.Packages;

namespace Jano.Cli;

/// <summary>`jano verify DIR`: every file of a package against the sha256 and size its manifest records.</summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("DIR") { Description = "The model package folder" };
        var command = new Command("verify", "Check every file of a package against the sha256 and size its manifest records") { folder };
        CliAction.Set(command, (parse, stdout, _) => Run(parse.GetValue(folder)!, stdout));
        return command;
    }

    public static int Run(string folder, TextWriter stdout)
    {
        var start = Stopwatch.GetTimestamp();
        var package = ModelPackage.Verify(folder); // throws, naming the file, on the first that differs
        var bytes = package.Manifest.Files.Sum(f => f.Bytes);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ok: {package.Folder}: {package.Manifest.Files.Count} files, {bytes / 1048576.0:F1} MiB, every sha256 matches the manifest ({Stopwatch.GetElapsedTime(start).TotalMilliseconds:F0} ms)"));
        return 0;
    }
}
