using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Onnx;

/// <summary>
/// Creates ONNX Runtime sessions with the provider and threading of the run's options. Provider
/// "cpu" always works; "cuda" adds ONNX Runtime's CUDA execution provider and fails with the reason
/// when it cannot load (no GPU, no driver, or CUDA 13 runtime libraries missing); "auto" takes CUDA
/// when it loads and otherwise falls back to the CPU, keeping the reason in <see cref="FallbackReason"/>.
/// </summary>
public sealed class OrtSessionFactory
{
    public OrtSessionFactory(RuntimeOptions options)
    {
        Options = options;
        _threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        _sharedPool = _threads > 1 && OrtThreadPool.TryShare(_threads); // before the CUDA probe creates the environment
        Provider = options.Provider switch
        {
            "cpu" => "cpu",
            "cuda" => CudaProbe.Available(out var reason) ? "cuda" : throw new ProviderUnavailableException($"provider cuda is not available: {reason}"),
            "auto" => CudaProbe.Available(out var why) ? "cuda" : Fallback(why),
            _ => throw new ArgumentException($"provider '{options.Provider}' is unknown (auto, cpu, cuda)"),
        };
    }

    private string Fallback(string reason)
    {
        FallbackReason = reason;
        return "cpu";
    }

    private readonly int _threads;
    private readonly bool _sharedPool;

    public RuntimeOptions Options { get; }

    /// <summary>The provider sessions actually use: "cpu" or "cuda".</summary>
    public string Provider { get; }

    /// <summary>Why "auto" did not take CUDA; null when it did or when the provider was explicit.</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>
    /// The CUDA stream sessions created from now on run on (ONNX Runtime's user_compute_stream), so
    /// that they are ordered with the step device's own copies and kernels; 0 lets ONNX Runtime make its own.
    /// </summary>
    public nint ComputeStream { get; set; }

    public InferenceSession Create(string path)
    {
        using var sessionOptions = CreateOptions();
        try
        {
            return new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            // ONNX Runtime's message runs over several lines (its status, the node, the op's own words); the first names the fault.
            throw new Jano.Core.Packages.ModelPackageException($"{path}: ONNX Runtime cannot load this graph: {e.Message.Split('\n')[0].Trim()}", e);
        }
    }

    public SessionOptions CreateOptions()
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = _threads,
            InterOpNumThreads = 1,
        };
        // See OrtThreadPool: the shared pool if there is one, else a pool per session whose idle threads sleep.
        if (_sharedPool) sessionOptions.DisablePerSessionThreads();
        else sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (Provider == "cuda") AppendCuda(sessionOptions);
        return sessionOptions;
    }

    private void AppendCuda(SessionOptions sessionOptions)
    {
        if (ComputeStream == 0)
        {
            sessionOptions.AppendExecutionProvider_CUDA(0);
            return;
        }
        using var cuda = new OrtCUDAProviderOptions();
        cuda.UpdateOptions(new Dictionary<string, string>
        {
            ["device_id"] = "0",
            ["has_user_compute_stream"] = "1",
            ["user_compute_stream"] = ((ulong)ComputeStream).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        sessionOptions.AppendExecutionProvider_CUDA(cuda);
    }
}

/// <summary>The requested execution provider cannot be used here; the message says why.</summary>
public sealed class ProviderUnavailableException(string message) : InvalidOperationException(message);

/// <summary>Tries once per process whether ONNX Runtime's CUDA provider loads.</summary>
internal static class CudaProbe
{
    private static readonly Lazy<string?> Failure = new(Probe);

    public static bool Available(out string reason)
    {
        reason = Failure.Value ?? "";
        return Failure.Value is null;
    }

    /// <summary>The CUDA 13 libraries ONNX Runtime's CUDA provider links (Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31).</summary>
    private static readonly string[] CudaLibraries = ["libcudart.so.13", "libcublasLt.so.13", "libcublas.so.13"];

    private static string? Probe()
    {
        // Look for the CUDA runtime first: without it, ONNX Runtime's own attempt prints an error line to
        // the console (it logs before it throws) ahead of our one-line note on every default run.
        if (OperatingSystem.IsLinux())
            foreach (var library in CudaLibraries)
            {
                if (!System.Runtime.InteropServices.NativeLibrary.TryLoad(library, out var handle))
                    return $"{library}, of the CUDA 13 runtime that ONNX Runtime's CUDA provider needs, was not found";
                System.Runtime.InteropServices.NativeLibrary.Free(handle);
            }
        try
        {
            using var options = new SessionOptions();
            options.AppendExecutionProvider_CUDA(0);
            return null;
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            // ONNX Runtime's message names the library it could not load (e.g. libcudart.so.13); keep its first line.
            var line = e.Message.Split('\n')[0].Trim();
            return string.IsNullOrEmpty(line) ? e.GetType().Name : line;
        }
    }
}
