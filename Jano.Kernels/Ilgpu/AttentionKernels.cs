using ILGPU;

namespace Jano.Kernels.Ilgpu;

/// <summary>
/// Attention as an explicitly grouped ILGPU kernel: one warp per (batch, head, query); lane l holds
/// head dimensions l, l + W, l + 2W, l + 3W (W = warp size, so HeadDim ≤ 4W), scores are reduced
/// across the warp, and the softmax is online (running max and sum, accumulators rescaled).
/// Groups hold several warps; a group's warps take consecutive queries of one head, so K/V rows
/// are shared through the cache.
/// </summary>
internal static class AttentionKernels
{
    /// <summary>Head dimensions held per lane.</summary>
    public const int DimsPerLane = 4;

    public static void Attention(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> o,
        AttentionParams p)
    {
        int warpSize = Warp.WarpSize;
        int query = Grid.IdxX * (Group.DimX / warpSize) + Warp.WarpIdx;
        if (query >= p.TotalQueries) return; // uniform across the warp

        int i = query % p.Queries;
        int bh = query / p.Queries;
        int h = bh % p.Heads;
        int b = bh / p.Heads;
        int hd = p.HeadDim;
        int dim = p.Heads * hd;
        int lane = Warp.LaneIdx;
        int d0 = lane, d1 = lane + warpSize, d2 = lane + 2 * warpSize, d3 = lane + 3 * warpSize;

        int qRow = (b * p.Queries + i) * dim + h * hd;
        float q0 = d0 < hd ? q[qRow + d0] * p.ScaleLog2 : 0f;
        float q1 = d1 < hd ? q[qRow + d1] * p.ScaleLog2 : 0f;
        float q2 = d2 < hd ? q[qRow + d2] * p.ScaleLog2 : 0f;
        float q3 = d3 < hd ? q[qRow + d3] * p.ScaleLog2 : 0f;

        float max = float.NegativeInfinity, sum = 0f;
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
        int row = b * p.KeyCapacity * dim + h * hd;
        for (int j = 0; j < p.Keys; j++, row += dim)
        {
            float partial = 0f;
            if (d0 < hd) partial += q0 * k[row + d0];
            if (d1 < hd) partial += q1 * k[row + d1];
            if (d2 < hd) partial += q2 * k[row + d2];
            if (d3 < hd) partial += q3 * k[row + d3];
            float score = WarpSum(partial, warpSize);

            float newMax = MathF.Max(max, score);
            float rescale = IntrinsicMath.CPUOnly.Exp2(max - newMax);
            float weight = IntrinsicMath.CPUOnly.Exp2(score - newMax);
            sum = sum * rescale + weight;
            max = newMax;
            if (d0 < hd) a0 = a0 * rescale + weight * v[row + d0];
            if (d1 < hd) a1 = a1 * rescale + weight * v[row + d1];
            if (d2 < hd) a2 = a2 * rescale + weight * v[row + d2];
            if (d3 < hd) a3 = a3 * rescale + weight * v[row + d3];
        }

        float inverse = 1f / sum;
        if (d0 < hd) o[qRow + d0] = a0 * inverse;
        if (d1 < hd) o[qRow + d1] = a1 * inverse;
        if (d2 < hd) o[qRow + d2] = a2 * inverse;
        if (d3 < hd) o[qRow + d3] = a3 * inverse;
    }

    private static float WarpSum(float value, int warpSize)
    {
        for (int offset = warpSize / 2; offset > 0; offset >>= 1)
            value += Warp.ShuffleXor(value, offset);
        return value;
    }
}
