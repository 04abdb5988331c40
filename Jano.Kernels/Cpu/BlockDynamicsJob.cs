using System.Numerics;

namespace Jano.Kernels.Cpu;

/// <summary>
/// One block-dynamics call over pinned tensors, split into one work item per block. A block is first
/// gathered, zero-padded, into per-thread scratch laid out [step, frame, channel, position] with the
/// positions of a channel contiguous (stride <see cref="PositionStride"/>), so that the distances
/// from one position to all later ones are computed a SIMD vector of positions at a time.
/// Lives only while the caller keeps the tensors pinned.
/// </summary>
internal readonly unsafe struct BlockDynamicsJob
{
    public BlockDynamicsJob(float* predictions, float* spatial, float* temporal, BlockDynamicsShape shape)
    {
        Predictions = predictions;
        Spatial = spatial;
        Temporal = temporal;
        Shape = shape;
        // Whole-vector reads and writes may run up to a vector past the last position; the slack
        // keeps them inside the row (or, at the very end of the block, inside the scratch).
        PositionStride = shape.BlockPositions + Vector<float>.Count;
        BlockLength = shape.Steps * shape.BlockFrames * shape.Channels * PositionStride;
    }

    public float* Predictions { get; }
    public float* Spatial { get; }
    public float* Temporal { get; }
    public BlockDynamicsShape Shape { get; }
    public int PositionStride { get; }

    /// <summary>Floats of one gathered block.</summary>
    public int BlockLength { get; }

    // Scratch of one work item: the gathered block (+ one vector of slack), one distance row per
    // step, and one frame distance per step.
    public int ScratchLength => BlockLength + Vector<float>.Count + Shape.Steps * PositionStride + Shape.Steps;

    /// <summary>Computes both dynamics of block <paramref name="block"/> (index into the block grid).</summary>
    public static void Run(in BlockDynamicsJob job, int block)
    {
        BlockDynamicsShape s = job.Shape;
        float[] scratch = ThreadScratch.Get(job.ScratchLength);
        fixed (float* pScratch = scratch)
        {
            float* x = pScratch;
            float* rows = x + job.BlockLength + Vector<float>.Count;
            float* frameDistances = rows + s.Steps * job.PositionStride;
            int frames = Gather(in job, block, x);
            job.Spatial[block] = SpatialDynamics(in job, x, rows, frames);
            job.Temporal[block] = s.BlockFrames == 1 ? 0f : TemporalDynamics(in job, x, frameDistances, frames);
        }
    }

    /// <summary>
    /// Copies the block into <paramref name="x"/>, zeros where it hangs over the volume; returns how
    /// many of its frames lie inside the volume.
    /// </summary>
    private static int Gather(in BlockDynamicsJob job, int block, float* x)
    {
        BlockDynamicsShape s = job.Shape;
        new Span<float>(x, job.BlockLength + Vector<float>.Count).Clear();
        int bx = block % s.GridWidth;
        int rest = block / s.GridWidth;
        int by = rest % s.GridHeight;
        int bt = rest / s.GridHeight;
        int t0 = bt * s.BlockFrames, y0 = by * s.BlockHeight, x0 = bx * s.BlockWidth;
        int frames = Math.Min(s.BlockFrames, s.Frames - t0);
        int rowsInside = Math.Min(s.BlockHeight, s.Height - y0);
        int columnsInside = Math.Min(s.BlockWidth, s.Width - x0);
        long plane = (long)s.Height * s.Width;
        for (int j = 0; j < s.Steps; j++)
        for (int f = 0; f < frames; f++)
        for (int c = 0; c < s.Channels; c++)
        {
            float* source = job.Predictions + ((long)(j * s.Channels + c) * s.Frames + t0 + f) * plane
                            + (long)y0 * s.Width + x0;
            float* target = x + ((j * s.BlockFrames + f) * s.Channels + c) * job.PositionStride;
            for (int dy = 0; dy < rowsInside; dy++)
                new ReadOnlySpan<float>(source + (long)dy * s.Width, columnsInside)
                    .CopyTo(new Span<float>(target + dy * s.BlockWidth, columnsInside));
        }
        return frames;
    }

    private static float SpatialDynamics(in BlockDynamicsJob job, float* x, float* rows, int frames)
    {
        BlockDynamicsShape s = job.Shape;
        int positions = s.BlockPositions;
        double total = 0;
        // Padded frames are zero at every step, so their distance matrices never change: they add 0.
        for (int f = 0; f < frames; f++)
        for (int i = 0; i + 1 < positions; i++)
        {
            for (int j = 0; j < s.Steps; j++)
                DistanceRow(in job, x + (j * s.BlockFrames + f) * s.Channels * job.PositionStride, i,
                    rows + j * job.PositionStride);
            total += RowChange(in job, rows, i + 1);
        }
        // Only the strict upper triangle was summed: the matrices are symmetric with a zero diagonal.
        return (float)(2 * total / ((double)s.StepPairs * positions * positions * s.BlockFrames));
    }

    /// <summary>row[l] = ‖x[·, l] − x[·, i]‖ for l in (i, P), then zeros up to the stride.</summary>
    private static void DistanceRow(in BlockDynamicsJob job, float* frame, int i, float* row)
    {
        int width = Vector<float>.Count;
        int positions = job.Shape.BlockPositions;
        int channels = job.Shape.Channels;
        int stride = job.PositionStride;
        int l = i + 1;
        // Four vectors at a time while at least four are needed: four independent sums over the
        // channels keep the FMA units busy (one sum alone waits on the previous FMA at every
        // channel); measured 2x faster on 8×8 blocks. Then one vector at a time.
        for (; l + 3 * width < positions; l += 4 * width)
        {
            Vector<float> s0 = Vector<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            float* channel = frame;
            for (int c = 0; c < channels; c++, channel += stride)
            {
                var xi = new Vector<float>(channel[i]);
                Vector<float> d0 = Vector.Load(channel + l) - xi;
                Vector<float> d1 = Vector.Load(channel + l + width) - xi;
                Vector<float> d2 = Vector.Load(channel + l + 2 * width) - xi;
                Vector<float> d3 = Vector.Load(channel + l + 3 * width) - xi;
                s0 = Vector.FusedMultiplyAdd(d0, d0, s0);
                s1 = Vector.FusedMultiplyAdd(d1, d1, s1);
                s2 = Vector.FusedMultiplyAdd(d2, d2, s2);
                s3 = Vector.FusedMultiplyAdd(d3, d3, s3);
            }
            Vector.Store(Vector.SquareRoot(s0), row + l);
            Vector.Store(Vector.SquareRoot(s1), row + l + width);
            Vector.Store(Vector.SquareRoot(s2), row + l + 2 * width);
            Vector.Store(Vector.SquareRoot(s3), row + l + 3 * width);
        }
        for (; l < positions; l += width)
        {
            Vector<float> sum = Vector<float>.Zero;
            float* channel = frame;
            for (int c = 0; c < channels; c++, channel += stride)
            {
                Vector<float> d = Vector.Load(channel + l) - new Vector<float>(channel[i]);
                sum = Vector.FusedMultiplyAdd(d, d, sum);
            }
            Vector.Store(Vector.SquareRoot(sum), row + l);
        }
        // The last vector ran past the block's positions; those lanes must not count as changes.
        new Span<float>(row + positions, stride - positions).Clear();
    }

    /// <summary>Σ over step pairs (j, j + Interval) and l ≥ start of |row_{j+Interval}[l] − row_j[l]|.</summary>
    private static double RowChange(in BlockDynamicsJob job, float* rows, int start)
    {
        BlockDynamicsShape s = job.Shape;
        int width = Vector<float>.Count;
        int stride = job.PositionStride;
        Vector<float> sum = Vector<float>.Zero;
        for (int j = 0; j < s.StepPairs; j++)
        {
            float* before = rows + j * stride;
            float* after = rows + (j + s.Interval) * stride;
            for (int l = start; l < s.BlockPositions; l += width)
                sum += Vector.Abs(Vector.Load(after + l) - Vector.Load(before + l));
        }
        return Vector.Sum(sum);
    }

    private static float TemporalDynamics(in BlockDynamicsJob job, float* x, float* distances, int frames)
    {
        BlockDynamicsShape s = job.Shape;
        int stride = job.PositionStride;
        int frameStride = s.Channels * stride;
        double total = 0;
        for (int p = 0; p < s.BlockPositions; p++)
        // Two padded frames are both zero at every step: their distance never changes.
        for (int f = 0; f < frames; f++)
        for (int g = f + 1; g < s.BlockFrames; g++)
        {
            for (int j = 0; j < s.Steps; j++)
            {
                float* a = x + (j * s.BlockFrames + f) * frameStride + p;
                float* b = x + (j * s.BlockFrames + g) * frameStride + p;
                float sum = 0f;
                for (int c = 0; c < s.Channels; c++)
                {
                    float d = a[c * stride] - b[c * stride];
                    sum += d * d;
                }
                distances[j] = MathF.Sqrt(sum);
            }
            for (int j = 0; j < s.StepPairs; j++)
                total += MathF.Abs(distances[j + s.Interval] - distances[j]);
        }
        return (float)(2 * total / ((double)s.StepPairs * s.BlockFrames * s.BlockFrames * s.BlockPositions));
    }
}
