namespace Jano.Kernels.Cpu;

/// <summary>
/// Multithreaded SIMD attention on the CPU: online softmax over key tiles, Parallel.For over
/// (batch, head, query tile). Scratch is per thread and kept between calls, so a warm call allocates
/// none of its own memory. Calls on one instance are serialised; use one instance per caller thread
/// for concurrent calls.
/// </summary>
public sealed unsafe class CpuAttention : IAttentionKernel
{
    /// <summary>Queries per work item (at most; a multiple of every SIMD width).</summary>
    public const int QueryTile = 64;

    /// <summary>Keys per online-softmax step.</summary>
    public const int KeyTile = 64;

    private readonly object _gate = new();
    private readonly ParallelOptions _options;
    private readonly Action<int> _runItem;
    private AttentionJob _job;

    /// <param name="maxDegreeOfParallelism">Worker threads at most; -1 for the runtime's choice.</param>
    public CpuAttention(int maxDegreeOfParallelism = -1)
    {
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism,
                "Use -1 (runtime default) or a positive thread count.");
        _options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        _runItem = RunItem;
    }

    public void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> o,
        AttentionShape shape)
    {
        shape.Validate(q.Length, k.Length, v.Length, o.Length);
        if (shape.Queries == 0) return;

        fixed (float* pq = q, pk = k, pv = v, po = o)
        {
            var job = new AttentionJob(pq, pk, pv, po, shape, QueryTile, KeyTile);
            int items = job.WorkItems;
            if (items == 1 || _options.MaxDegreeOfParallelism == 1 || Environment.ProcessorCount == 1)
            {
                for (int i = 0; i < items; i++) AttentionTile.Run(in job, i);
                return;
            }
            lock (_gate)
            {
                _job = job;
                try { Parallel.For(0, items, _options, _runItem); }
                finally { _job = default; }
            }
        }
    }

    private void RunItem(int item) => AttentionTile.Run(in _job, item);
}
