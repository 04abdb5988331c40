using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Jano.Kernels.Ilgpu;

/// <summary>
/// The ILGPU kernels loaded once on one <see cref="ILGPU.Runtime.Accelerator"/>, with device-level
/// entry points on <see cref="ArrayView{T}"/>: no host copies, launches are asynchronous on the given
/// (or the default) stream. Layouts and semantics are those of <see cref="IAttentionKernel"/> and
/// <see cref="IRowKernels"/>; index values are not checked on the device.
/// </summary>
public sealed class IlgpuKernels : IDisposable
{
    private const int WarpsPerGroup = 4;

    private readonly Context? _ownedContext;
    private readonly bool _ownsAccelerator;
    private readonly int _warpsPerGroup;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, AttentionParams> _attention;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>,
        RowParams> _gather;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>,
        RowParams> _scatter;

    /// <summary>Loads the kernels on <paramref name="accelerator"/>, which the caller keeps owning.</summary>
    public IlgpuKernels(Accelerator accelerator) : this(accelerator, ownedContext: null, ownsAccelerator: false) { }

    private IlgpuKernels(Accelerator accelerator, Context? ownedContext, bool ownsAccelerator)
    {
        Accelerator = accelerator;
        _ownedContext = ownedContext;
        _ownsAccelerator = ownsAccelerator;
        _warpsPerGroup = Math.Max(1, Math.Min(WarpsPerGroup, accelerator.MaxNumThreadsPerGroup / accelerator.WarpSize));
        _attention = accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, AttentionParams>(AttentionKernels.Attention);
        _gather = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>,
            RowParams>(RowKernels.Gather);
        _scatter = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>,
            RowParams>(RowKernels.Scatter);
    }

    /// <summary>
    /// ILGPU's CPU accelerator simulating an NVIDIA-like device (warp size 32), which runs the GPU
    /// kernels' code on the CPU: for tests, slow, keep sizes tiny.
    /// </summary>
    public static IlgpuKernels CreateCpu()
    {
        Context context = Context.Create(builder => builder.CPU(CPUDeviceKind.Nvidia));
        try
        {
            return new IlgpuKernels(context.CreateCPUAccelerator(0), context, ownsAccelerator: true);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>The first CUDA device through ILGPU, or null (with the reason) when there is none.</summary>
    public static IlgpuKernels? TryCreateCuda(out string? reason)
    {
        Context? context = null;
        try
        {
            context = Context.Create(builder => builder.Cuda());
            if (context.GetCudaDevices().Count == 0)
            {
                reason = "ILGPU found no CUDA device (no GPU or no NVIDIA driver).";
                context.Dispose();
                return null;
            }
            reason = null;
            return new IlgpuKernels(context.CreateCudaAccelerator(0), context, ownsAccelerator: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            reason = $"ILGPU could not start CUDA: {e.GetType().Name}: {e.Message}";
            context?.Dispose();
            return null;
        }
    }

    public Accelerator Accelerator { get; }

    /// <summary>The largest head dimension the attention kernel supports (4 × warp size).</summary>
    public int MaxHeadDim => AttentionKernels.DimsPerLane * Accelerator.WarpSize;

    /// <summary>Attention on the accelerator's default stream; see <see cref="IAttentionKernel"/>.</summary>
    public void Attention(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> o,
        AttentionShape shape) => Attention(Accelerator.DefaultStream, q, k, v, o, shape);

    /// <summary>Attention enqueued on <paramref name="stream"/>; see <see cref="IAttentionKernel"/>.</summary>
    public void Attention(AcceleratorStream stream, ArrayView<float> q, ArrayView<float> k, ArrayView<float> v,
        ArrayView<float> o, AttentionShape shape)
    {
        shape.Validate(q.Length, k.Length, v.Length, o.Length);
        if (shape.HeadDim > MaxHeadDim)
            throw new NotSupportedException(
                $"HeadDim {shape.HeadDim} exceeds the {MaxHeadDim} this attention kernel supports on {Accelerator.Name}.");
        if (shape.Queries == 0) return;
        var p = new AttentionParams(shape);
        int groups = (p.TotalQueries + _warpsPerGroup - 1) / _warpsPerGroup;
        var config = new KernelConfig(groups, _warpsPerGroup * Accelerator.WarpSize);
        _attention(stream, config, q, k, v, o, p);
    }

    /// <summary>Row gather on the default stream; see <see cref="IRowKernels.GatherRows"/>.</summary>
    public void GatherRows(ArrayView<float> source, ArrayView<int> indices, ArrayView<float> destination,
        RowShape shape) => GatherRows(Accelerator.DefaultStream, source, indices, destination, shape);

    /// <summary>Row gather enqueued on <paramref name="stream"/>; see <see cref="IRowKernels.GatherRows"/>.</summary>
    public void GatherRows(AcceleratorStream stream, ArrayView<float> source, ArrayView<int> indices,
        ArrayView<float> destination, RowShape shape)
    {
        shape.Validate(source.Length, indices.Length, destination.Length, gather: true);
        LaunchRows(_gather, stream, source, indices, destination, shape);
    }

    /// <summary>Row scatter on the default stream; see <see cref="IRowKernels.ScatterRows"/>.</summary>
    public void ScatterRows(ArrayView<float> source, ArrayView<int> indices, ArrayView<float> destination,
        RowShape shape) => ScatterRows(Accelerator.DefaultStream, source, indices, destination, shape);

    /// <summary>Row scatter enqueued on <paramref name="stream"/>; see <see cref="IRowKernels.ScatterRows"/>.</summary>
    public void ScatterRows(AcceleratorStream stream, ArrayView<float> source, ArrayView<int> indices,
        ArrayView<float> destination, RowShape shape)
    {
        shape.Validate(source.Length, indices.Length, destination.Length, gather: false);
        LaunchRows(_scatter, stream, source, indices, destination, shape);
    }

    /// <summary>Waits for everything enqueued on the accelerator.</summary>
    public void Synchronize() => Accelerator.Synchronize();

    public void Dispose()
    {
        if (_ownsAccelerator) Accelerator.Dispose();
        _ownedContext?.Dispose();
    }

    private static void LaunchRows(
        Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, RowParams> kernel,
        AcceleratorStream stream, ArrayView<float> source, ArrayView<int> indices, ArrayView<float> destination,
        RowShape shape)
    {
        int count = (int)indices.Length;
        long elements = (long)shape.Batch * count * shape.Width;
        if (elements == 0) return;
        kernel(stream, new Index1D((int)elements), source, indices, destination, new RowParams(shape, count));
    }
}
