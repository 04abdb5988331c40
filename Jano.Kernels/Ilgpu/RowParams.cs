namespace Jano.Kernels.Ilgpu;

/// <summary>Scalar arguments of the row kernels, passed by value to the device.</summary>
internal readonly struct RowParams
{
    public RowParams(RowShape shape, int count)
    {
        SourceRows = shape.SourceRows;
        DestinationRows = shape.DestinationRows;
        Width = shape.Width;
        Count = count;
    }

    public int SourceRows { get; }
    public int DestinationRows { get; }
    public int Width { get; }
    /// <summary>Number of indices.</summary>
    public int Count { get; }
}
