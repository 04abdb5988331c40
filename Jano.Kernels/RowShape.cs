namespace Jano.Kernels;

/// <summary>
/// Shape of a batched row gather or scatter: source is [Batch, SourceRows, Width], destination is
/// [Batch, DestinationRows, Width], row-major float32. The index list is shared by all batch entries.
/// </summary>
public readonly record struct RowShape(int Batch, int SourceRows, int DestinationRows, int Width)
{
    /// <summary>Elements of the source: Batch · SourceRows · Width.</summary>
    public long SourceLength => (long)Batch * SourceRows * Width;

    /// <summary>Elements of the destination: Batch · DestinationRows · Width.</summary>
    public long DestinationLength => (long)Batch * DestinationRows * Width;

    /// <summary>
    /// Validates the shape and lengths for a gather (<paramref name="gather"/> true: indices select
    /// source rows, one destination row each) or a scatter (indices select destination rows, one
    /// source row each). Index values are not checked here.
    /// </summary>
    public void Validate(long sourceLength, long indexCount, long destinationLength, bool gather)
    {
        // Messages are built only on failure: a valid call allocates nothing.
        if (Batch < 1) throw new ArgumentException($"Batch must be at least 1 (was {Batch}).", nameof(Batch));
        if (SourceRows < 0)
            throw new ArgumentException($"SourceRows must not be negative (was {SourceRows}).", nameof(SourceRows));
        if (DestinationRows < 0)
            throw new ArgumentException(
                $"DestinationRows must not be negative (was {DestinationRows}).", nameof(DestinationRows));
        if (Width < 1) throw new ArgumentException($"Width must be at least 1 (was {Width}).", nameof(Width));
        if (SourceLength > int.MaxValue || DestinationLength > int.MaxValue)
            throw new ArgumentException($"Shape {this} has more than {int.MaxValue} elements in one tensor.",
                nameof(RowShape));
        if (sourceLength != SourceLength)
            throw new ArgumentException(
                $"source has {sourceLength} elements but [Batch, SourceRows, Width] for {this} needs {SourceLength}.",
                "source");
        if (destinationLength != DestinationLength)
            throw new ArgumentException(
                $"destination has {destinationLength} elements but [Batch, DestinationRows, Width] for {this} needs {DestinationLength}.",
                "destination");
        int rowsPerIndex = gather ? DestinationRows : SourceRows;
        if (indexCount > rowsPerIndex)
            throw new ArgumentException(
                $"{indexCount} indices exceed the {rowsPerIndex} {(gather ? "destination" : "source")} rows of {this}.",
                "indices");
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when an index is outside [0, rows).</summary>
    public static void ValidateIndices(ReadOnlySpan<int> indices, int rows)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)rows)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i],
                    $"indices[{i}] = {indices[i]} is outside [0, {rows}).");
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> when host source and destination overlap (the result would depend on the order of copies).</summary>
    public static void RequireDisjoint(ReadOnlySpan<float> source, ReadOnlySpan<float> destination)
    {
        if (source.Overlaps(destination))
            throw new ArgumentException("source and destination must not overlap.", nameof(destination));
    }
}
