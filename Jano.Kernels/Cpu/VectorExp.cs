using System.Numerics;
using System.Runtime.CompilerServices;

namespace Jano.Kernels.Cpu;

/// <summary>
/// exp on a SIMD vector for the softmax's non-positive arguments: x = n·ln2 + r with |r| ≤ ln2/2,
/// exp(r) by its degree-6 Taylor polynomial (relative error below 2e-7), times 2ⁿ built from the
/// exponent bits. Arguments below −87.3 give the smallest normal float (≈1.2e-38) instead of 0,
/// which is harmless where it is used (it only ever multiplies sums that start at zero).
/// </summary>
internal static class VectorExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float Lowest = -87.3365479f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ExpNonPositive(Vector<float> x)
    {
        x = Vector.MaxNative(x, new Vector<float>(Lowest));
        Vector<float> n = Vector.Round(x * new Vector<float>(Log2E));
        Vector<float> r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2High), x);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2Low), r);

        Vector<float> p = new(1f / 720f);
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 120f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 24f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 6f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(0.5f));
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);

        Vector<int> exponent = Vector.ShiftLeft(Vector.ConvertToInt32Native(n) + new Vector<int>(127), 23);
        return p * Vector.As<int, float>(exponent);
    }
}
