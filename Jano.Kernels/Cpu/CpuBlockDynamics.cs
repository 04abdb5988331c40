namespace Jano.Kernels.Cpu;

/// <summary>
/// Block dynamics on the CPU: Parallel.For over blocks, SIMD across a block's positions. Scratch is
/// per thread and kept between calls, so a warm call allocates none of its own memory. Calls on one
/// instance are serialised; use one instance per caller thread for concurrent calls.
/// </summary>
public sealed unsafe class CpuBlockDynamics : IBlockDynamicsKernel
{
    private readonly object _gate = new();
    private readonly ParallelOptions _options;
    private readonly Action<int> _runBlock;
    private BlockDynamicsJob _job;

    /// <param name="maxDegreeOfParallelism">Worker threads at most; -1 for the runtime's choice.</param>
    public CpuBlockDynamics(int maxDegreeOfParallelism = -1)
    {
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism,
                "Use -1 (runtime default) or a positive thread count.");
        _options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        _runBlock = RunBlock;
    }

    public void BlockDynamics(ReadOnlySpan<float> predictions, Span<float> spatial, Span<float> temporal,
        BlockDynamicsShape shape)
    {
        shape.Validate(predictions.Length, spatial.Length, temporal.Length);
        if (spatial.Overlaps(temporal) || predictions.Overlaps(spatial) || predictions.Overlaps(temporal))
            throw new ArgumentException("predictions, spatial and temporal must not overlap.", nameof(temporal));

        fixed (float* pPredictions = predictions, pSpatial = spatial, pTemporal = temporal)
        {
            var job = new BlockDynamicsJob(pPredictions, pSpatial, pTemporal, shape);
            int blocks = shape.Blocks;
            if (blocks == 1 || _options.MaxDegreeOfParallelism == 1 || Environment.ProcessorCount == 1)
            {
                for (int b = 0; b < blocks; b++) BlockDynamicsJob.Run(in job, b);
                return;
            }
            lock (_gate)
            {
                _job = job;
                try { Parallel.For(0, blocks, _options, _runBlock); }
                finally { _job = default; }
            }
        }
    }

    private void RunBlock(int block) => BlockDynamicsJob.Run(in _job, block);
}
