using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Jano.Kernels.Cpu;

/// <summary>
/// The online-softmax update for one key tile, on transposed scores Sᵀ [keys × queries] (row stride
/// ld, the first cols columns in use, cols a multiple of the SIMD width), vectorised across queries:
/// new running max, rescale factor exp(old max − new max), Pᵀ = exp(Sᵀ − new max) in place, and the
/// running sum rescaled plus this tile's weights.
/// </summary>
internal static class OnlineSoftmax
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Update(Span<float> scores, int keys, int ld, int cols, Span<float> max, Span<float> sum,
        Span<float> rescale)
    {
        if ((long)(keys - 1) * ld + cols > scores.Length || cols > max.Length || cols > sum.Length || cols > rescale.Length)
            throw new ArgumentException("Softmax tile larger than its buffers.");
        int w = Vector<float>.Count;
        ref float s = ref MemoryMarshal.GetReference(scores);
        ref float m = ref MemoryMarshal.GetReference(max);
        ref float l = ref MemoryMarshal.GetReference(sum);
        ref float a = ref MemoryMarshal.GetReference(rescale);

        for (int j = 0; j < cols; j += w)
        {
            ref float column = ref Unsafe.Add(ref s, j);
            Vector<float> oldMax = Vector.LoadUnsafe(ref m, (nuint)j);
            // Two chains hide the latency of max; scores are finite, so the native max is exact.
            Vector<float> even = oldMax, odd = oldMax;
            ref float cell = ref column;
            int c2 = 0;
            for (; c2 + 2 <= keys; c2 += 2, cell = ref Unsafe.Add(ref cell, 2 * ld))
            {
                even = Vector.MaxNative(even, Vector.LoadUnsafe(ref cell));
                odd = Vector.MaxNative(odd, Vector.LoadUnsafe(ref Unsafe.Add(ref cell, ld)));
            }
            if (c2 < keys) even = Vector.MaxNative(even, Vector.LoadUnsafe(ref cell));
            Vector<float> newMax = Vector.MaxNative(even, odd);

            Vector<float> factor = VectorExp.ExpNonPositive(oldMax - newMax);
            Vector<float> total = Vector.LoadUnsafe(ref l, (nuint)j) * factor;
            cell = ref column;
            for (int c = 0; c < keys; c++, cell = ref Unsafe.Add(ref cell, ld))
            {
                Vector<float> weight = VectorExp.ExpNonPositive(Vector.LoadUnsafe(ref cell) - newMax);
                weight.StoreUnsafe(ref cell);
                total += weight;
            }
            newMax.StoreUnsafe(ref m, (nuint)j);
            factor.StoreUnsafe(ref a, (nuint)j);
            total.StoreUnsafe(ref l, (nuint)j);
        }
    }
}
