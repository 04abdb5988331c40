namespace Jano.Tests.Kernels;

/// <summary>
/// The test oracle: attention computed plainly in double precision, straight from the definition
/// o = softmax(scale · q·kᵀ) · v per batch, head and query, over keys [0, N).
/// </summary>
internal static class ReferenceAttention
{
    public static double[] Compute(float[] q, float[] k, float[] v, Jano.Kernels.AttentionShape s)
    {
        int d = s.Heads * s.HeadDim;
        var o = new double[s.Batch * s.Queries * d];
        var scores = new double[s.Keys];
        for (int b = 0; b < s.Batch; b++)
        for (int h = 0; h < s.Heads; h++)
        for (int i = 0; i < s.Queries; i++)
        {
            int qRow = (b * s.Queries + i) * d + h * s.HeadDim;
            double max = double.NegativeInfinity;
            for (int j = 0; j < s.Keys; j++)
            {
                int kRow = (b * s.KeyCapacity + j) * d + h * s.HeadDim;
                double dot = 0;
                for (int c = 0; c < s.HeadDim; c++) dot += (double)q[qRow + c] * k[kRow + c];
                scores[j] = s.Scale * dot;
                max = Math.Max(max, scores[j]);
            }
            double sum = 0;
            for (int j = 0; j < s.Keys; j++)
            {
                scores[j] = Math.Exp(scores[j] - max);
                sum += scores[j];
            }
            for (int c = 0; c < s.HeadDim; c++)
            {
                double acc = 0;
                for (int j = 0; j < s.Keys; j++)
                    acc += scores[j] * v[(b * s.KeyCapacity + j) * d + h * s.HeadDim + c];
                o[qRow + c] = acc / sum;
            }
        }
        return o;
    }
}
