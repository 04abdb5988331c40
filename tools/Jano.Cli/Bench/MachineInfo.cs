using System.Runtime.InteropServices;

namespace Jano.Cli.Bench;

/// <summary>The machine a benchmark ran on, for the report: numbers mean little without it.</summary>
public sealed record MachineInfo(string Host, string Cpu, int Cores, string Os, string Runtime)
{
    public static MachineInfo Current() => new(
        Environment.MachineName, CpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription);

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        try
        {
            if (File.Exists(cpuinfo))
                foreach (var line in File.ReadLines(cpuinfo))
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is var colon and > 0)
                        return line[(colon + 1)..].Trim();
        }
        catch (IOException)
        {
            // Not worth failing a benchmark over: fall back to the architecture.
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    public override string ToString() => $"{Cpu}, {Cores} logical cores, {Os}, {Runtime} (host {Host})";
}
