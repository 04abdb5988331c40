using ILGPU;

namespace Jano.Kernels.Ilgpu;

/// <summary>
/// Row gather/scatter as implicitly grouped ILGPU kernels, one thread per copied element
/// (Batch · Count · Width threads); consecutive threads copy consecutive columns of a row.
/// </summary>
internal static class RowKernels
{
    public static void Gather(Index1D element, ArrayView<float> source, ArrayView<int> indices,
        ArrayView<float> destination, RowParams p)
    {
        int column = element % p.Width;
        int t = element / p.Width;
        int i = t % p.Count;
        int b = t / p.Count;
        destination[(b * p.DestinationRows + i) * p.Width + column] =
            source[(b * p.SourceRows + indices[i]) * p.Width + column];
    }

    public static void Scatter(Index1D element, ArrayView<float> source, ArrayView<int> indices,
        ArrayView<float> destination, RowParams p)
    {
        int column = element % p.Width;
        int t = element / p.Width;
        int i = t % p.Count;
        int b = t / p.Count;
        destination[(b * p.DestinationRows + indices[i]) * p.Width + column] =
            source[(b * p.SourceRows + i) * p.Width + column];
    }
}
