using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Onnx;

/// <summary>
/// One intra-op thread pool for every stage session of the process. A package is ~20 small sessions
/// run one after another each step; with a pool per session, the pools' threads either spin between
/// their runs and fight over the cores (measured on 2 cores: 252 ms per dense step of the default model
/// instead of 33), or sleep and pay a wake-up per operator. One shared, spinning pool has neither cost.
/// ONNX Runtime's environment is created once per process, so the pool exists only if it is asked for
/// before anything else creates the environment, and has the thread count of that first request;
/// sessions asking for another count get pools of their own (not spinning).
/// </summary>
internal static class OrtThreadPool
{
    private static readonly Lock Gate = new();
    private static int? _threads;

    /// <summary>True when sessions of <paramref name="threads"/> intra-op threads can use the shared pool.</summary>
    public static bool TryShare(int threads)
    {
        lock (Gate)
        {
            if (_threads is { } existing) return existing == threads;
            if (OrtEnv.IsCreated) return false; // created elsewhere (another ONNX Runtime user in the process) without the pool
            var options = new EnvironmentCreationOptions
            {
                logId = "jano",
                logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                threadOptions = new OrtThreadingOptions
                {
                    GlobalIntraOpNumThreads = threads,
                    GlobalInterOpNumThreads = 1,
                    GlobalSpinControl = true,
                },
            };
            OrtEnv.CreateInstanceWithOptions(ref options);
            _threads = threads;
            return true;
        }
    }
}
