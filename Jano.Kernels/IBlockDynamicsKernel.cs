namespace Jano.Kernels;

/// <summary>
/// Jano's block dynamics: how much the geometry inside each block changes between stored noise
/// predictions. For a block and one of its frames, D_j is the pairwise Euclidean distance matrix
/// between the block's bh·bw positions (each a vector over the channels) at step j;
/// spatial = mean over the step pairs (j, j + Interval) and over all (bh·bw)² entries of
/// |D_{j+Interval} − D_j|, averaged over the block's bt frames. Temporal is the same with frames and
/// positions swapped (distance matrices between the bt frames at one position, averaged over the
/// bh·bw positions); it is 0 when bt = 1.
/// <para>
/// Our reading of the reference: the volume is zero-padded to whole blocks and padded cells take part
/// like any other (a padded position is the zero vector at every step; a padded frame contributes 0
/// yet still counts in the average over frames), as padding the tensor and then unfolding it does.
/// </para>
/// Implementations allocate nothing per call once warm.
/// </summary>
public interface IBlockDynamicsKernel
{
    /// <summary>Writes the spatial and temporal dynamics of every block; see <see cref="BlockDynamicsShape"/>.</summary>
    /// <exception cref="ArgumentException">The shape is invalid or a span has the wrong length.</exception>
    void BlockDynamics(ReadOnlySpan<float> predictions, Span<float> spatial, Span<float> temporal,
        BlockDynamicsShape shape);
}
