namespace Jano.Kernels.Cuda;

/// <summary>
/// <see cref="IAttentionKernel"/> and <see cref="IRowKernels"/> over host spans for the driver-launched
/// PTX kernels: uploads into persistent device scratch, launches, waits, downloads. For tests and
/// comparisons, so that every kernel test body also runs on the CUDA path the step loop uses; the loop
/// itself calls <see cref="CudaKernels"/> on device addresses. Not thread-safe.
/// </summary>
public sealed class CudaHostKernels : IAttentionKernel, IRowKernels, IDisposable
{
    private readonly CudaDevice _device;
    private readonly CudaKernels _kernels;
    private readonly CudaScratch _q, _k, _v, _o, _source, _destination, _indices;

    private CudaHostKernels(CudaDevice device, CudaKernels kernels)
    {
        _device = device;
        _kernels = kernels;
        _q = new(device); _k = new(device); _v = new(device); _o = new(device);
        _source = new(device); _destination = new(device); _indices = new(device);
    }

    /// <summary>Opens device 0 and loads the kernels, or returns null with the reason.</summary>
    public static CudaHostKernels? TryCreate(out string? reason)
    {
        var device = CudaDevice.TryOpen(0, out reason);
        if (device is null) return null;
        try
        {
            return new CudaHostKernels(device, CudaKernels.Load(device));
        }
        catch (Exception e) when (e is CudaException or NotSupportedException)
        {
            device.Dispose();
            reason = e.Message;
            return null;
        }
    }

    public string DeviceName => _device.Name;

    public void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> o, AttentionShape shape)
    {
        shape.Validate(q.Length, k.Length, v.Length, o.Length);
        if (shape.Queries == 0) return;
        var dO = _o.Reserve(o.Length);
        _kernels.Attention(_q.Upload(q), _k.Upload(k), _v.Upload(v), dO, shape);
        _device.Download(dO, o);
    }

    public void GatherRows(ReadOnlySpan<float> source, ReadOnlySpan<int> indices, Span<float> destination, RowShape shape)
    {
        shape.Validate(source.Length, indices.Length, destination.Length, gather: true);
        RowShape.ValidateIndices(indices, shape.SourceRows);
        RowShape.RequireDisjoint(source, destination);
        var dDestination = _destination.Upload<float>(destination); // rows not written must survive
        _kernels.GatherRows(_source.Upload(source), _indices.Upload(indices), indices.Length, dDestination, shape);
        _device.Download(dDestination, destination);
    }

    public void ScatterRows(ReadOnlySpan<float> source, ReadOnlySpan<int> indices, Span<float> destination, RowShape shape)
    {
        shape.Validate(source.Length, indices.Length, destination.Length, gather: false);
        RowShape.ValidateIndices(indices, shape.DestinationRows);
        RowShape.RequireDisjoint(source, destination);
        var dDestination = _destination.Upload<float>(destination);
        _kernels.ScatterRows(_source.Upload(source), _indices.Upload(indices), indices.Length, dDestination, shape);
        _device.Download(dDestination, destination);
    }


    public void Dispose()
    {
        foreach (var s in new[] { _q, _k, _v, _o, _source, _destination, _indices }) s.Dispose();
        _kernels.Dispose();
        _device.Dispose();
    }
}
