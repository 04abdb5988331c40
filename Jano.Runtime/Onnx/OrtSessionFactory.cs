using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Onnx;

/// <summary>Creates ONNX Runtime sessions with the provider and threading of the run's options.</summary>
public sealed class OrtSessionFactory(RuntimeOptions options)
{
    public RuntimeOptions Options { get; } = options;

    public InferenceSession Create(string path)
    {
        if (Options.Provider != "cpu")
            throw new ArgumentException($"provider '{Options.Provider}' is not available in this build; use cpu");
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Options.Threads > 0 ? Options.Threads : Environment.ProcessorCount,
            InterOpNumThreads = 1,
        };
        try
        {
            return new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new Packages.ModelPackageException($"{path}: ONNX Runtime cannot load this graph: {e.Message}", e);
        }
    }
}
