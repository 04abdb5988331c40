using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Jano.Eval;

/// <summary>
/// Dot products of four vectors against two, sharing the loads: per SIMD chunk 6 loads feed 8 fused
/// multiply-adds, where one dot at a time needs 2 loads per multiply-add and is bound by load ports.
/// The nearest-neighbour search and the PCA covariance are both all-pairs dot products and spend
/// nearly all their time here.
/// </summary>
internal static class DotKernel
{
    /// <summary>
    /// result[2·i + j] = a_i · b_j for i in 0..4, j in 0..2. All six spans have the same length.
    /// </summary>
    public static void Dot4x2(
        ReadOnlySpan<float> a0, ReadOnlySpan<float> a1, ReadOnlySpan<float> a2, ReadOnlySpan<float> a3,
        ReadOnlySpan<float> b0, ReadOnlySpan<float> b1, Span<float> result)
    {
        var length = a0.Length;
        if (a1.Length != length || a2.Length != length || a3.Length != length || b0.Length != length || b1.Length != length)
            throw new ArgumentException("all vectors must have the same length");
        if (result.Length < 8) throw new ArgumentException("result needs 8 values");

        ref var ra0 = ref MemoryMarshal.GetReference(a0);
        ref var ra1 = ref MemoryMarshal.GetReference(a1);
        ref var ra2 = ref MemoryMarshal.GetReference(a2);
        ref var ra3 = ref MemoryMarshal.GetReference(a3);
        ref var rb0 = ref MemoryMarshal.GetReference(b0);
        ref var rb1 = ref MemoryMarshal.GetReference(b1);

        var w = Vector<float>.Count;
        Vector<float> s00 = default, s01 = default, s10 = default, s11 = default;
        Vector<float> s20 = default, s21 = default, s30 = default, s31 = default;
        var i = 0;
        for (; i <= length - w; i += w)
        {
            var x0 = Load(ref rb0, i);
            var x1 = Load(ref rb1, i);
            var y = Load(ref ra0, i);
            s00 = Vector.FusedMultiplyAdd(y, x0, s00);
            s01 = Vector.FusedMultiplyAdd(y, x1, s01);
            y = Load(ref ra1, i);
            s10 = Vector.FusedMultiplyAdd(y, x0, s10);
            s11 = Vector.FusedMultiplyAdd(y, x1, s11);
            y = Load(ref ra2, i);
            s20 = Vector.FusedMultiplyAdd(y, x0, s20);
            s21 = Vector.FusedMultiplyAdd(y, x1, s21);
            y = Load(ref ra3, i);
            s30 = Vector.FusedMultiplyAdd(y, x0, s30);
            s31 = Vector.FusedMultiplyAdd(y, x1, s31);
        }
        float d00 = Vector.Sum(s00), d01 = Vector.Sum(s01), d10 = Vector.Sum(s10), d11 = Vector.Sum(s11);
        float d20 = Vector.Sum(s20), d21 = Vector.Sum(s21), d30 = Vector.Sum(s30), d31 = Vector.Sum(s31);
        for (; i < length; i++)
        {
            float x0 = Unsafe.Add(ref rb0, i), x1 = Unsafe.Add(ref rb1, i);
            float y0 = Unsafe.Add(ref ra0, i), y1 = Unsafe.Add(ref ra1, i), y2 = Unsafe.Add(ref ra2, i), y3 = Unsafe.Add(ref ra3, i);
            d00 += y0 * x0; d01 += y0 * x1;
            d10 += y1 * x0; d11 += y1 * x1;
            d20 += y2 * x0; d21 += y2 * x1;
            d30 += y3 * x0; d31 += y3 * x1;
        }
        result[0] = d00; result[1] = d01; result[2] = d10; result[3] = d11;
        result[4] = d20; result[5] = d21; result[6] = d30; result[7] = d31;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(ref float start, int offset) =>
        Vector.LoadUnsafe(ref start, (nuint)offset);
}
