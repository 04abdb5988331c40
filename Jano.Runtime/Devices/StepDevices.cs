using Jano.Kernels;
using Jano.Runtime.Onnx;

namespace Jano.Runtime.Devices;

/// <summary>Picks the step device for a run: GPU memory when the sessions run on CUDA, host memory otherwise.</summary>
public static class StepDevices
{
    /// <summary>Rejects an unknown attention backend or buffers choice, naming the value and the choices.</summary>
    public static void Validate(RuntimeOptions options)
    {
        if (options.Attention is not ("ort" or "kernel"))
            throw new ArgumentException($"attention backend '{options.Attention}' is unknown (kernel, ort)");
        if (options.Buffers is not ("auto" or "device" or "host"))
            throw new ArgumentException($"buffers '{options.Buffers}' is unknown (auto, device, host)");
    }

    /// <param name="attention">An explicit attention kernel (host buffers only); null: the options decide.</param>
    /// <param name="fallbackReason">Why buffers "auto" stayed in host memory on CUDA; null otherwise.</param>
    public static IStepDevice Create(OrtSessionFactory sessions, RuntimeOptions options, IAttentionKernel? attention, out string? fallbackReason)
    {
        fallbackReason = null;
        Validate(options);
        var threads = options.Threads > 0 ? options.Threads : 0;
        var onCuda = sessions.Provider == "cuda";
        if (!onCuda || options.Buffers == "host" || attention is not null)
            return new HostStepDevice(attention, threads, sessionsOnAnotherDevice: onCuda);
        if (CudaStepDevice.TryCreate(0, out var reason) is { } cuda) return cuda;
        if (options.Buffers == "device")
            throw new ProviderUnavailableException($"GPU buffers for the step loop are not available: {reason} (buffers host keeps them in host memory)");
        // e.g. a GPU older than compute capability 8.0: ONNX Runtime still runs the graphs on it.
        fallbackReason = reason;
        return new HostStepDevice(attention, threads, sessionsOnAnotherDevice: true);
    }
}
