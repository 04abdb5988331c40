using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Jano.Kernels.Cpu;

/// <summary>
/// One work item of <see cref="AttentionJob"/>: a tile of queries of one (batch, head), one pass over
/// the keys in tiles with an online softmax. Scores are computed transposed, Sᵀ = K · (scale·Q)ᵀ,
/// reading K in place, so the softmax bookkeeping is vectorised across queries; then O += P · V on a
/// packed V tile. Both products are <see cref="MicroGemm"/> calls.
/// </summary>
internal static unsafe class AttentionTile
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in AttentionJob job, int item)
    {
        AttentionShape shape = job.Shape;
        int tile = item % job.QueryTiles;
        int bh = item / job.QueryTiles;
        int head = bh % shape.Heads;
        int batch = bh / shape.Heads;

        int hd = shape.HeadDim, hdPad = job.HeadDimPadded, dim = shape.ModelDim;
        int tq = job.QueryTile, tk = job.KeyTile;
        int firstQuery = tile * tq;
        int rows = Math.Min(tq, shape.Queries - firstQuery);
        int cols = AttentionJob.RoundUp(rows, MicroGemm.Width);

        float[] scratch = ThreadScratch.Get(job.ScratchLength);
        Span<float> rest = scratch.AsSpan(0, job.ScratchLength);
        Span<float> qt = Take(ref rest, hd * tq);
        Span<float> vs = Take(ref rest, tk * hdPad);
        Span<float> st = Take(ref rest, tk * tq);
        Span<float> acc = Take(ref rest, tq * hdPad);
        Span<float> max = Take(ref rest, tq);
        Span<float> sum = Take(ref rest, tq);
        Span<float> rescale = Take(ref rest, tq);

        float* qRows = job.Q + ((long)batch * shape.Queries + firstQuery) * dim + head * hd;
        PackQueriesTransposed(qRows, dim, rows, cols, hd, shape.Scale, qt, tq);
        acc[..(rows * hdPad)].Clear();
        max[..cols].Fill(float.NegativeInfinity);
        sum[..cols].Clear();

        long keyRowsBase = (long)batch * shape.KeyCapacity * dim + head * hd;
        for (int firstKey = 0; firstKey < shape.Keys; firstKey += tk)
        {
            int keys = Math.Min(tk, shape.Keys - firstKey);
            float* kRows = job.K + keyRowsBase + (long)firstKey * dim;
            float* vRows = job.V + keyRowsBase + (long)firstKey * dim;

            // Sᵀ[c, r] = Σ_d K[c, d] · Qᵀ[d, r]
            MicroGemm.Multiply(ref *kRows, dim, 1, keys, hd, ref qt[0], tq, ref st[0], tq, cols, accumulate: false);
            OnlineSoftmax.Update(st, keys, tq, cols, max, sum, rescale);
            for (int r = 0; r < rows; r++)
            {
                float factor = rescale[r];
                if (factor != 1f)
                {
                    Span<float> row = acc.Slice(r * hdPad, hdPad);
                    TensorPrimitives.Multiply(row, factor, row);
                }
            }

            // O[r, :] += Σ_c Pᵀ[c, r] · V[c, :]
            PackValues(vRows, dim, keys, hd, hdPad, vs);
            MicroGemm.Multiply(ref st[0], 1, tq, rows, keys, ref vs[0], hdPad, ref acc[0], hdPad, hdPad, accumulate: true);
        }

        float* oRows = job.O + ((long)batch * shape.Queries + firstQuery) * dim + head * hd;
        for (int r = 0; r < rows; r++)
            TensorPrimitives.Multiply(acc.Slice(r * hdPad, hd), 1f / sum[r], new Span<float>(oRows + (long)r * dim, hd));
    }

    /// <summary>qt[d, r] = scale · q[r, d] for r &lt; rows; columns [rows, cols) are zero.</summary>
    private static void PackQueriesTransposed(float* qRows, int dim, int rows, int cols, int hd, float scale,
        Span<float> qt, int ld)
    {
        fixed (float* dst = qt)
        {
            for (int r = 0; r < rows; r++)
            {
                float* src = qRows + (long)r * dim;
                for (int d = 0; d < hd; d++)
                    dst[d * ld + r] = src[d] * scale;
            }
            for (int d = 0; d < hd; d++)
            {
                for (int r = rows; r < cols; r++)
                    dst[d * ld + r] = 0f;
            }
        }
    }

    /// <summary>vs[c, d] = v[c, d] for d &lt; hd; columns [hd, hdPad) are zero.</summary>
    private static void PackValues(float* vRows, int dim, int keys, int hd, int hdPad, Span<float> vs)
    {
        for (int c = 0; c < keys; c++)
        {
            Span<float> row = vs.Slice(c * hdPad, hdPad);
            new ReadOnlySpan<float>(vRows + (long)c * dim, hd).CopyTo(row);
            if (hdPad > hd) row[hd..].Clear();
        }
    }

    private static Span<float> Take(ref Span<float> rest, int length)
    {
        Span<float> head = rest[..length];
        rest = rest[length..];
        return head;
    }
}
