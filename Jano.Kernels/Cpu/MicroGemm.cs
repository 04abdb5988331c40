using System.Numerics;
using System.Runtime.CompilerServices;

namespace Jano.Kernels.Cpu;

/// <summary>
/// Register-blocked SIMD product C[rows × cols] = (C +) A[rows × depth] · B[depth × cols].
/// A's element (r, k) is at a[r·aRow + k·aStep], so A can be read in place or transposed; B and C
/// are row-major with leading dimensions ldb and ldc; cols must be a multiple of
/// Vector&lt;float&gt;.Count. Blocks of 2 rows × 4 vectors (8 accumulators) do most of the work,
/// blocks of 8 rows × 1 vector take the last 1–3 vector columns so those are not latency-bound.
/// </summary>
internal static class MicroGemm
{
    public static int Width => Vector<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ref float a, int aRow, int aStep, int rows, int depth, ref float b, int ldb,
        ref float c, int ldc, int cols, bool accumulate)
    {
        int w = Vector<float>.Count;
        int j = 0;
        for (; j + 4 * w <= cols; j += 4 * w)
        {
            ref float bj = ref Unsafe.Add(ref b, j);
            int r = 0;
            for (; r + 2 <= rows; r += 2)
            {
                Block2x4(ref Unsafe.Add(ref a, r * aRow), ref Unsafe.Add(ref a, (r + 1) * aRow), aStep, depth,
                    ref bj, ldb, ref Unsafe.Add(ref c, r * ldc + j), ref Unsafe.Add(ref c, (r + 1) * ldc + j),
                    accumulate);
            }
            if (r < rows)
                Block1x4(ref Unsafe.Add(ref a, r * aRow), aStep, depth, ref bj, ldb, ref Unsafe.Add(ref c, r * ldc + j),
                    accumulate);
        }
        for (; j < cols; j += w)
        {
            ref float bj = ref Unsafe.Add(ref b, j);
            int r = 0;
            for (; r + 8 <= rows; r += 8)
                Block8x1(ref Unsafe.Add(ref a, r * aRow), aRow, aStep, depth, ref bj, ldb,
                    ref Unsafe.Add(ref c, r * ldc + j), ldc, accumulate);
            for (; r < rows; r++)
                Block1x1(ref Unsafe.Add(ref a, r * aRow), aStep, depth, ref bj, ldb, ref Unsafe.Add(ref c, r * ldc + j),
                    accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block2x4(ref float a0, ref float a1, nint aStep, int depth, ref float b, nint ldb,
        ref float c0, ref float c1, bool accumulate)
    {
        nuint w = (nuint)Vector<float>.Count;
        Vector<float> c00, c01, c02, c03, c10, c11, c12, c13;
        if (accumulate)
        {
            c00 = Vector.LoadUnsafe(ref c0); c01 = Vector.LoadUnsafe(ref c0, w);
            c02 = Vector.LoadUnsafe(ref c0, 2 * w); c03 = Vector.LoadUnsafe(ref c0, 3 * w);
            c10 = Vector.LoadUnsafe(ref c1); c11 = Vector.LoadUnsafe(ref c1, w);
            c12 = Vector.LoadUnsafe(ref c1, 2 * w); c13 = Vector.LoadUnsafe(ref c1, 3 * w);
        }
        else
        {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = Vector<float>.Zero;
        }
        ref float ak0 = ref a0, ak1 = ref a1, bk = ref b;
        for (int k = 0; k < depth; k++)
        {
            var x0 = new Vector<float>(ak0);
            var x1 = new Vector<float>(ak1);
            var b0 = Vector.LoadUnsafe(ref bk);
            var b1 = Vector.LoadUnsafe(ref bk, w);
            var b2 = Vector.LoadUnsafe(ref bk, 2 * w);
            var b3 = Vector.LoadUnsafe(ref bk, 3 * w);
            c00 = Vector.FusedMultiplyAdd(x0, b0, c00);
            c01 = Vector.FusedMultiplyAdd(x0, b1, c01);
            c02 = Vector.FusedMultiplyAdd(x0, b2, c02);
            c03 = Vector.FusedMultiplyAdd(x0, b3, c03);
            c10 = Vector.FusedMultiplyAdd(x1, b0, c10);
            c11 = Vector.FusedMultiplyAdd(x1, b1, c11);
            c12 = Vector.FusedMultiplyAdd(x1, b2, c12);
            c13 = Vector.FusedMultiplyAdd(x1, b3, c13);
            ak0 = ref Unsafe.Add(ref ak0, aStep);
            ak1 = ref Unsafe.Add(ref ak1, aStep);
            bk = ref Unsafe.Add(ref bk, ldb);
        }
        c00.StoreUnsafe(ref c0); c01.StoreUnsafe(ref c0, w); c02.StoreUnsafe(ref c0, 2 * w); c03.StoreUnsafe(ref c0, 3 * w);
        c10.StoreUnsafe(ref c1); c11.StoreUnsafe(ref c1, w); c12.StoreUnsafe(ref c1, 2 * w); c13.StoreUnsafe(ref c1, 3 * w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block1x4(ref float a0, nint aStep, int depth, ref float b, nint ldb, ref float c0, bool accumulate)
    {
        nuint w = (nuint)Vector<float>.Count;
        Vector<float> c00, c01, c02, c03;
        if (accumulate)
        {
            c00 = Vector.LoadUnsafe(ref c0); c01 = Vector.LoadUnsafe(ref c0, w);
            c02 = Vector.LoadUnsafe(ref c0, 2 * w); c03 = Vector.LoadUnsafe(ref c0, 3 * w);
        }
        else
        {
            c00 = c01 = c02 = c03 = Vector<float>.Zero;
        }
        ref float ak = ref a0, bk = ref b;
        for (int k = 0; k < depth; k++)
        {
            var x0 = new Vector<float>(ak);
            c00 = Vector.FusedMultiplyAdd(x0, Vector.LoadUnsafe(ref bk), c00);
            c01 = Vector.FusedMultiplyAdd(x0, Vector.LoadUnsafe(ref bk, w), c01);
            c02 = Vector.FusedMultiplyAdd(x0, Vector.LoadUnsafe(ref bk, 2 * w), c02);
            c03 = Vector.FusedMultiplyAdd(x0, Vector.LoadUnsafe(ref bk, 3 * w), c03);
            ak = ref Unsafe.Add(ref ak, aStep);
            bk = ref Unsafe.Add(ref bk, ldb);
        }
        c00.StoreUnsafe(ref c0); c01.StoreUnsafe(ref c0, w); c02.StoreUnsafe(ref c0, 2 * w); c03.StoreUnsafe(ref c0, 3 * w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block8x1(ref float a0, nint aRow, nint aStep, int depth, ref float b, nint ldb,
        ref float c0, nint ldc, bool accumulate)
    {
        Vector<float> r0, r1, r2, r3, r4, r5, r6, r7;
        if (accumulate)
        {
            r0 = Vector.LoadUnsafe(ref c0); r1 = Vector.LoadUnsafe(ref Unsafe.Add(ref c0, ldc));
            r2 = Vector.LoadUnsafe(ref Unsafe.Add(ref c0, 2 * ldc)); r3 = Vector.LoadUnsafe(ref Unsafe.Add(ref c0, 3 * ldc));
            r4 = Vector.LoadUnsafe(ref Unsafe.Add(ref c0, 4 * ldc)); r5 = Vector.LoadUnsafe(ref Unsafe.Add(ref c0, 5 * ldc));
            r6 = Vector.LoadUnsafe(ref Unsafe.Add(ref c0, 6 * ldc)); r7 = Vector.LoadUnsafe(ref Unsafe.Add(ref c0, 7 * ldc));
        }
        else
        {
            r0 = r1 = r2 = r3 = r4 = r5 = r6 = r7 = Vector<float>.Zero;
        }
        ref float ak = ref a0, bk = ref b;
        for (int k = 0; k < depth; k++)
        {
            var bv = Vector.LoadUnsafe(ref bk);
            r0 = Vector.FusedMultiplyAdd(new Vector<float>(ak), bv, r0);
            r1 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref ak, aRow)), bv, r1);
            r2 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref ak, 2 * aRow)), bv, r2);
            r3 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref ak, 3 * aRow)), bv, r3);
            r4 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref ak, 4 * aRow)), bv, r4);
            r5 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref ak, 5 * aRow)), bv, r5);
            r6 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref ak, 6 * aRow)), bv, r6);
            r7 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref ak, 7 * aRow)), bv, r7);
            ak = ref Unsafe.Add(ref ak, aStep);
            bk = ref Unsafe.Add(ref bk, ldb);
        }
        r0.StoreUnsafe(ref c0); r1.StoreUnsafe(ref Unsafe.Add(ref c0, ldc));
        r2.StoreUnsafe(ref Unsafe.Add(ref c0, 2 * ldc)); r3.StoreUnsafe(ref Unsafe.Add(ref c0, 3 * ldc));
        r4.StoreUnsafe(ref Unsafe.Add(ref c0, 4 * ldc)); r5.StoreUnsafe(ref Unsafe.Add(ref c0, 5 * ldc));
        r6.StoreUnsafe(ref Unsafe.Add(ref c0, 6 * ldc)); r7.StoreUnsafe(ref Unsafe.Add(ref c0, 7 * ldc));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block1x1(ref float a0, nint aStep, int depth, ref float b, nint ldb, ref float c0, bool accumulate)
    {
        Vector<float> acc = accumulate ? Vector.LoadUnsafe(ref c0) : Vector<float>.Zero;
        ref float ak = ref a0, bk = ref b;
        for (int k = 0; k < depth; k++)
        {
            acc = Vector.FusedMultiplyAdd(new Vector<float>(ak), Vector.LoadUnsafe(ref bk), acc);
            ak = ref Unsafe.Add(ref ak, aStep);
            bk = ref Unsafe.Add(ref bk, ldb);
        }
        acc.StoreUnsafe(ref c0);
    }
}
