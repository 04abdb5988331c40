using ILGPU;
using ILGPU.Runtime;

namespace Jano.Kernels.Ilgpu;

/// <summary>
/// The block-dynamics kernel loaded once on one <see cref="ILGPU.Runtime.Accelerator"/>, with
/// device-level entry points on <see cref="ArrayView{T}"/>: no host copies, launches are asynchronous
/// on the given (or the default) stream. Semantics are those of <see cref="IBlockDynamicsKernel"/>.
/// </summary>
public sealed class BlockDynamicsDevice
{
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        BlockDynamicsParams> _kernel;

    /// <summary>Loads the kernel on <paramref name="accelerator"/>, which the caller keeps owning.</summary>
    public BlockDynamicsDevice(Accelerator accelerator)
    {
        Accelerator = accelerator;
        _kernel = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            BlockDynamicsParams>(BlockDynamicsKernels.BlockDynamics);
    }

    public Accelerator Accelerator { get; }

    /// <summary>Block dynamics on the accelerator's default stream; see <see cref="IBlockDynamicsKernel"/>.</summary>
    public void BlockDynamics(ArrayView<float> predictions, ArrayView<float> spatial, ArrayView<float> temporal,
        BlockDynamicsShape shape) => BlockDynamics(Accelerator.DefaultStream, predictions, spatial, temporal, shape);

    /// <summary>Block dynamics enqueued on <paramref name="stream"/>; see <see cref="IBlockDynamicsKernel"/>.</summary>
    public void BlockDynamics(AcceleratorStream stream, ArrayView<float> predictions, ArrayView<float> spatial,
        ArrayView<float> temporal, BlockDynamicsShape shape)
    {
        shape.Validate(predictions.Length, spatial.Length, temporal.Length);
        _kernel(stream, new Index1D(shape.Blocks), predictions, spatial, temporal, new BlockDynamicsParams(shape));
    }

    /// <summary>Waits for everything enqueued on the accelerator.</summary>
    public void Synchronize() => Accelerator.Synchronize();
}
