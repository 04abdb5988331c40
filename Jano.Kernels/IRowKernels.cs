namespace Jano.Kernels;

/// <summary>
/// Batched row copies by index (token permutation, subset selection, writing a subset back).
/// The same index list applies to every batch entry. Implementations allocate nothing per call.
/// </summary>
public interface IRowKernels
{
    /// <summary>
    /// destination[b, i, :] = source[b, indices[i], :] for every b and i &lt; indices.Length;
    /// destination rows at and beyond indices.Length are left as they are.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong lengths, or more indices than destination rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, SourceRows).</exception>
    void GatherRows(ReadOnlySpan<float> source, ReadOnlySpan<int> indices, Span<float> destination, RowShape shape);

    /// <summary>
    /// destination[b, indices[i], :] = source[b, i, :] for every b and i &lt; indices.Length; other
    /// destination rows are left as they are. Indices should be distinct (otherwise which row wins is
    /// backend-defined).
    /// </summary>
    /// <exception cref="ArgumentException">Wrong lengths, or more indices than source rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, DestinationRows).</exception>
    void ScatterRows(ReadOnlySpan<float> source, ReadOnlySpan<int> indices, Span<float> destination, RowShape shape);
}
