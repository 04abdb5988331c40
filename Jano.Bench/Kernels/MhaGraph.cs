using Jano.Export.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Bench.Kernels;

/// <summary>
/// A session over ONNX Runtime's MultiHeadAttention as a one-node graph (Jano.Export's
/// MultiHeadAttentionGraph), for any head count, without needing a package on disk.
/// </summary>
public static class MhaGraph
{
    /// <summary>A session over the graph with the optimisation and thread settings OrtSessionFactory gives a session with a pool of its own.</summary>
    public static InferenceSession Open(int heads, int headDim, int threads)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        return new InferenceSession(MultiHeadAttentionGraph.Build(heads, heads * headDim), options);
    }
}
