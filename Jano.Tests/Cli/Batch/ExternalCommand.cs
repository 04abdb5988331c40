using System.Diagnostics;
using System.Text;

namespace Jano.Tests.Cli.Batch;

/// <summary>Runs a program (bash, sbatch, squeue...) to its end and returns its exit code and output.</summary>
internal static class ExternalCommand
{
    public static (int Code, string Out, string Err) Run(string program, IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        using var p = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (-1, stdout.ToString(), $"{program} ran longer than {timeout}; {stderr}");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Whether a program is on PATH.</summary>
    public static bool Exists(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));

    /// <summary>The repository's root: the folder above the tests holding <paramref name="marker"/>.</summary>
    public static string RepositoryFile(string marker)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, marker);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{marker} was not found above {AppContext.BaseDirectory}");
    }
}
