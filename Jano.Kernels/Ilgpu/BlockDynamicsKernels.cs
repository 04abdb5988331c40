using ILGPU;

namespace Jano.Kernels.Ilgpu;

/// <summary>
/// Block dynamics as an implicitly grouped ILGPU kernel, one thread per block, reading the
/// predictions straight from device memory (positions outside the volume read as zero). Distances
/// are recomputed per step pair instead of cached: with Interval = k / 2 each step's distances are
/// needed about once anyway, and the kernel needs no scratch memory. Same math as
/// <see cref="IBlockDynamicsKernel"/>.
/// </summary>
internal static class BlockDynamicsKernels
{
    /// <summary>Element offset of an outside (padded) cell: it reads as zero.</summary>
    private const int Padded = -1;

    public static void BlockDynamics(Index1D block, ArrayView<float> predictions, ArrayView<float> spatial,
        ArrayView<float> temporal, BlockDynamicsParams p)
    {
        int bx = block % p.GridWidth;
        int rest = block / p.GridWidth;
        int by = rest % p.GridHeight;
        int bt = rest / p.GridHeight;
        int t0 = bt * p.BlockFrames, y0 = by * p.BlockHeight, x0 = bx * p.BlockWidth;
        spatial[block] = Spatial(predictions, p, t0, y0, x0);
        temporal[block] = p.BlockFrames == 1 ? 0f : Temporal(predictions, p, t0, y0, x0);
    }

    private static float Spatial(ArrayView<float> predictions, BlockDynamicsParams p, int t0, int y0, int x0)
    {
        int positions = p.BlockHeight * p.BlockWidth;
        float total = 0f;
        for (int f = 0; f < p.BlockFrames; f++)
        {
            int t = t0 + f;
            if (t >= p.Frames) break; // padded frames are zero at every step: they add 0
            for (int a = 0; a + 1 < positions; a++)
            {
                int offsetA = Offset(p, t, y0 + a / p.BlockWidth, x0 + a % p.BlockWidth);
                float row = 0f; // partial sums keep float rounding small on large blocks
                for (int b = a + 1; b < positions; b++)
                    row += PairChange(predictions, p, offsetA,
                        Offset(p, t, y0 + b / p.BlockWidth, x0 + b % p.BlockWidth));
                total += row;
            }
        }
        // Only the strict upper triangle was summed: the matrices are symmetric with a zero diagonal.
        return 2f * total / ((float)(p.Steps - p.Interval) * positions * positions * p.BlockFrames);
    }

    private static float Temporal(ArrayView<float> predictions, BlockDynamicsParams p, int t0, int y0, int x0)
    {
        int positions = p.BlockHeight * p.BlockWidth;
        float total = 0f;
        for (int a = 0; a < positions; a++)
        {
            int y = y0 + a / p.BlockWidth, x = x0 + a % p.BlockWidth;
            float row = 0f;
            for (int f = 0; f < p.BlockFrames; f++)
            {
                if (t0 + f >= p.Frames) break; // two padded frames never change distance
                int offsetF = Offset(p, t0 + f, y, x);
                for (int g = f + 1; g < p.BlockFrames; g++)
                    row += PairChange(predictions, p, offsetF, Offset(p, t0 + g, y, x));
            }
            total += row;
        }
        return 2f * total / ((float)(p.Steps - p.Interval) * p.BlockFrames * p.BlockFrames * positions);
    }

    /// <summary>Σ over j of |d_{j+Interval} − d_j|, d_j the distance between the two cells at step j.</summary>
    private static float PairChange(ArrayView<float> predictions, BlockDynamicsParams p, int offsetA, int offsetB)
    {
        float sum = 0f;
        for (int j = 0; j + p.Interval < p.Steps; j++)
            sum += MathF.Abs(Distance(predictions, p, j + p.Interval, offsetA, offsetB)
                             - Distance(predictions, p, j, offsetA, offsetB));
        return sum;
    }

    private static float Distance(ArrayView<float> predictions, BlockDynamicsParams p, int step, int offsetA,
        int offsetB)
    {
        float sum = 0f;
        int channel = step * p.StepStride;
        for (int c = 0; c < p.Channels; c++, channel += p.ChannelStride)
        {
            float a = offsetA == Padded ? 0f : predictions[channel + offsetA];
            float b = offsetB == Padded ? 0f : predictions[channel + offsetB];
            float d = a - b;
            sum += d * d;
        }
        return MathF.Sqrt(sum);
    }

    /// <summary>Offset of (t, y, x) within one channel, or <see cref="Padded"/> outside the volume.</summary>
    private static int Offset(BlockDynamicsParams p, int t, int y, int x) =>
        t < p.Frames && y < p.Height && x < p.Width ? (t * p.Height + y) * p.Width + x : Padded;
}
