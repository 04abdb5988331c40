namespace Jano.Kernels.Cpu;

/// <summary>Row gather/scatter on the CPU with span copies. Stateless and thread-safe.</summary>
public sealed class CpuRowKernels : IRowKernels
{
    public void GatherRows(ReadOnlySpan<float> source, ReadOnlySpan<int> indices, Span<float> destination, RowShape shape)
    {
        shape.Validate(source.Length, indices.Length, destination.Length, gather: true);
        RowShape.ValidateIndices(indices, shape.SourceRows);
        RowShape.RequireDisjoint(source, destination);
        int w = shape.Width;
        for (int b = 0; b < shape.Batch; b++)
        {
            ReadOnlySpan<float> src = source.Slice(b * shape.SourceRows * w, shape.SourceRows * w);
            Span<float> dst = destination.Slice(b * shape.DestinationRows * w, shape.DestinationRows * w);
            for (int i = 0; i < indices.Length; i++)
                src.Slice(indices[i] * w, w).CopyTo(dst.Slice(i * w, w));
        }
    }

    public void ScatterRows(ReadOnlySpan<float> source, ReadOnlySpan<int> indices, Span<float> destination, RowShape shape)
    {
        shape.Validate(source.Length, indices.Length, destination.Length, gather: false);
        RowShape.ValidateIndices(indices, shape.DestinationRows);
        RowShape.RequireDisjoint(source, destination);
        int w = shape.Width;
        for (int b = 0; b < shape.Batch; b++)
        {
            ReadOnlySpan<float> src = source.Slice(b * shape.SourceRows * w, shape.SourceRows * w);
            Span<float> dst = destination.Slice(b * shape.DestinationRows * w, shape.DestinationRows * w);
            for (int i = 0; i < indices.Length; i++)
                src.Slice(i * w, w).CopyTo(dst.Slice(indices[i] * w, w));
        }
    }
}
