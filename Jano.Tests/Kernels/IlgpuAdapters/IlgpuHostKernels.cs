using ILGPU.Runtime;

namespace Jano.Kernels.Ilgpu;

/// <summary>
/// <see cref="IAttentionKernel"/> and <see cref="IRowKernels"/> over host spans for an
/// <see cref="IlgpuKernels"/>: copies the inputs into persistent device buffers (grown as needed),
/// runs the device kernel, waits, and copies the result back. Meant for tests and for running the
/// GPU kernels' code on ILGPU's CPU accelerator; the CUDA path uses the device-level entry points.
/// Not thread-safe.
/// </summary>
public sealed class IlgpuHostKernels : IAttentionKernel, IRowKernels, IDisposable
{
    private readonly bool _ownsDevice;
    private readonly DeviceBuffer<float> _q, _k, _v, _o, _source, _destination;
    private readonly DeviceBuffer<int> _indices;

    /// <param name="device">The loaded kernels to run.</param>
    /// <param name="ownsDevice">Whether disposing this also disposes <paramref name="device"/>.</param>
    public IlgpuHostKernels(IlgpuKernels device, bool ownsDevice = false)
    {
        Device = device;
        _ownsDevice = ownsDevice;
        var accelerator = device.Accelerator;
        _q = new(accelerator); _k = new(accelerator); _v = new(accelerator); _o = new(accelerator);
        _source = new(accelerator); _destination = new(accelerator);
        _indices = new(accelerator);
    }

    public IlgpuKernels Device { get; }

    public void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> o,
        AttentionShape shape)
    {
        shape.Validate(q.Length, k.Length, v.Length, o.Length);
        if (shape.Queries == 0) return;
        var dq = _q.Upload(q);
        var dk = _k.Upload(k);
        var dv = _v.Upload(v);
        var dO = _o.View(o.Length);
        Device.Attention(dq, dk, dv, dO, shape);
        Device.Synchronize();
        dO.CopyToCPU(o);
    }

    public void GatherRows(ReadOnlySpan<float> source, ReadOnlySpan<int> indices, Span<float> destination,
        RowShape shape)
    {
        shape.Validate(source.Length, indices.Length, destination.Length, gather: true);
        RowShape.ValidateIndices(indices, shape.SourceRows);
        RowShape.RequireDisjoint(source, destination);
        var dSource = _source.Upload(source);
        var dIndices = _indices.Upload(indices);
        var dDestination = _destination.Upload(destination); // rows not written must survive
        Device.GatherRows(dSource, dIndices, dDestination, shape);
        Device.Synchronize();
        dDestination.CopyToCPU(destination);
    }

    public void ScatterRows(ReadOnlySpan<float> source, ReadOnlySpan<int> indices, Span<float> destination,
        RowShape shape)
    {
        shape.Validate(source.Length, indices.Length, destination.Length, gather: false);
        RowShape.ValidateIndices(indices, shape.DestinationRows);
        RowShape.RequireDisjoint(source, destination);
        var dSource = _source.Upload(source);
        var dIndices = _indices.Upload(indices);
        var dDestination = _destination.Upload(destination); // rows not written must survive
        Device.ScatterRows(dSource, dIndices, dDestination, shape);
        Device.Synchronize();
        dDestination.CopyToCPU(destination);
    }

    public void Dispose()
    {
        _q.Dispose(); _k.Dispose(); _v.Dispose(); _o.Dispose();
        _source.Dispose(); _destination.Dispose(); _indices.Dispose();
        if (_ownsDevice) Device.Dispose();
    }
}
