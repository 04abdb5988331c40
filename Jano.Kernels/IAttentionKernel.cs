namespace Jano.Kernels;

/// <summary>
/// Multi-head attention of n queries against N keys/values: for every batch b, head h and query i,
/// o = softmax(Scale · q·kᵀ over keys [0, N)) · v. Implementations allocate nothing per call once warm.
/// </summary>
public interface IAttentionKernel
{
    /// <summary>Computes o from q, k, v; see <see cref="AttentionShape"/> for the layouts.</summary>
    /// <exception cref="ArgumentException">The shape is invalid or a span has the wrong length.</exception>
    void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> o,
        AttentionShape shape);
}
