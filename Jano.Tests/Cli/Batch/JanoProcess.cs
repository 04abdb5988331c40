using System.Diagnostics;
using System.Text;

namespace Jano.Tests.Cli.Batch;

/// <summary>The built `jano` (jano.dll beside the tests) as a child process, its output collected as it comes.</summary>
internal sealed class JanoProcess : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "jano.dll");

    public Process Process { get; }

    private JanoProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        Process = new Process { StartInfo = start };
        Process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public static JanoProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) => new(args, environment);

    /// <summary>Runs to the end (at most <paramref name="timeout"/>) and returns the exit code and output.</summary>
    public static (int Code, string Out, string Err) Run(IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var p = Start(args, environment);
        if (!p.Process.WaitForExit(timeout))
        {
            p.Process.Kill(entireProcessTree: true);
            Assert.Fail($"jano {string.Join(' ', args)} ran longer than {timeout}; stderr: {p.Err}");
        }
        p.Process.WaitForExit(); // the output handlers drain
        return (p.Process.ExitCode, p.Out, p.Err);
    }

    public string Out { get { lock (_stdout) return _stdout.ToString(); } }
    public string Err { get { lock (_stderr) return _stderr.ToString(); } }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
