using System.Diagnostics;
using Jano.Runtime.Devices;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Onnx;

/// <summary>
/// One session with its inputs and outputs bound to persistent buffers (IOBinding). Running it copies
/// nothing and allocates no tensors: ONNX Runtime reads and writes our buffers in place. The one
/// exception is ONNX Runtime's own: an input in memory of another device than the session's is
/// copied to the session's device when it is bound (IOBinding::BindInput), so on such a device
/// (<see cref="IStepDevice.InputsCopiedAtBind"/>: host buffers under the CUDA provider) the inputs are
/// bound again before every run, or the run would read the values they had at bind time.
/// </summary>
public sealed class BoundRun : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions;
    private readonly IStepDevice _device;
    private readonly (string Name, OrtValue Value)[]? _rebound;

    public BoundRun(IStepDevice device, InferenceSession session, RunOptions runOptions, IEnumerable<(string Name, OrtValue Value)> inputs, IEnumerable<(string Name, OrtValue Value)> outputs)
    {
        _device = device;
        _session = session;
        _runOptions = runOptions;
        _binding = session.CreateIoBinding();
        var inputList = inputs.ToArray();
        foreach (var (name, value) in inputList) device.BindInput(_binding, name, value);
        foreach (var (name, value) in outputs) _binding.BindOutput(name, value);
        if (device.InputsCopiedAtBind) _rebound = inputList;
    }

    /// <summary>Runs the session; adds the elapsed ticks to <paramref name="sessionTicks"/>.</summary>
    public void Run(ref long sessionTicks)
    {
        var start = Stopwatch.GetTimestamp();
        if (_rebound is not null)
            foreach (var (name, value) in _rebound) _device.BindInput(_binding, name, value);
        _session.RunWithBinding(_runOptions, _binding);
        sessionTicks += Stopwatch.GetTimestamp() - start;
    }

    public void Dispose() => _binding.Dispose();
}
