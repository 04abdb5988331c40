using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Onnx;

/// <summary>
/// One session with its inputs and outputs bound to persistent buffers (IOBinding). Running it copies
/// nothing and allocates no tensors: ONNX Runtime reads and writes our buffers in place.
/// </summary>
public sealed class BoundRun : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions;

    public BoundRun(InferenceSession session, RunOptions runOptions, IEnumerable<(string Name, OrtValue Value)> inputs, IEnumerable<(string Name, OrtValue Value)> outputs)
    {
        _session = session;
        _runOptions = runOptions;
        _binding = session.CreateIoBinding();
        foreach (var (name, value) in inputs) _binding.BindInput(name, value);
        foreach (var (name, value) in outputs) _binding.BindOutput(name, value);
    }

    /// <summary>Runs the session; adds the elapsed ticks to <paramref name="sessionTicks"/>.</summary>
    public void Run(ref long sessionTicks)
    {
        var start = Stopwatch.GetTimestamp();
        _session.RunWithBinding(_runOptions, _binding);
        sessionTicks += Stopwatch.GetTimestamp() - start;
    }

    public void Dispose() => _binding.Dispose();
}
