using ILGPU.Runtime;

namespace Jano.Kernels.Ilgpu;

/// <summary>
/// <see cref="IBlockDynamicsKernel"/> over host spans for a <see cref="BlockDynamicsDevice"/>: copies
/// the predictions into a persistent device buffer (grown as needed), runs the kernel, waits, and
/// copies both outputs back. Meant for tests and for running the GPU kernel's code on ILGPU's CPU
/// accelerator; the CUDA path uses the device-level entry points. Not thread-safe.
/// </summary>
public sealed class BlockDynamicsHost(BlockDynamicsDevice device) : IBlockDynamicsKernel, IDisposable
{
    private readonly DeviceBuffer<float> _predictions = new(device.Accelerator);
    private readonly DeviceBuffer<float> _spatial = new(device.Accelerator);
    private readonly DeviceBuffer<float> _temporal = new(device.Accelerator);

    public BlockDynamicsDevice Device { get; } = device;

    public void BlockDynamics(ReadOnlySpan<float> predictions, Span<float> spatial, Span<float> temporal,
        BlockDynamicsShape shape)
    {
        shape.Validate(predictions.Length, spatial.Length, temporal.Length);
        var dPredictions = _predictions.Upload(predictions);
        var dSpatial = _spatial.View(spatial.Length);
        var dTemporal = _temporal.View(temporal.Length);
        Device.BlockDynamics(dPredictions, dSpatial, dTemporal, shape);
        Device.Synchronize();
        dSpatial.CopyToCPU(spatial);
        dTemporal.CopyToCPU(temporal);
    }

    public void Dispose()
    {
        _predictions.Dispose();
        _spatial.Dispose();
        _temporal.Dispose();
    }
}
