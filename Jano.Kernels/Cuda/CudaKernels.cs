using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ILGPU.Runtime.Cuda;
using Jano.Kernels.Ilgpu;

namespace Jano.Kernels.Cuda;

/// <summary>
/// The ILGPU kernels of this assembly, compiled to PTX by ILGPU (<see cref="IlgpuPtx"/>), loaded with
/// the driver API into a <see cref="CudaDevice"/>'s primary context and launched on its stream, on raw
/// device addresses: the same memory and stream ONNX Runtime's CUDA provider uses. Semantics and
/// layouts are those of <see cref="IAttentionKernel"/> and <see cref="IRowKernels"/>; lengths are in
/// elements; index values are not checked on the device. Launches are asynchronous.
/// </summary>
public sealed unsafe partial class CudaKernels : IDisposable
{
    private const int WarpSize = 32;
    private const int WarpsPerGroup = 4;
    private const int RowThreadsPerGroup = 256;

    private readonly CudaDevice _device;
    private readonly List<CudaModule> _modules = [];
    private readonly Launch _attention, _gather, _scatter;

    /// <summary>
    /// Each launched kernel's parameters in the order of its PTX entry, as ILGPU 1.5.3 lays them out:
    /// an implicitly grouped kernel starts with its extent; views are (address, length); the scalar
    /// parameter structs are passed by value. PtxGenerationTests checks this against the PTX itself.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<PtxParameter>> Parameters { get; } =
        new Dictionary<string, IReadOnlyList<PtxParameter>>
        {
            ["Attention"] = [PtxParameter.View, PtxParameter.View, PtxParameter.View, PtxParameter.View, PtxParameter.Scalars(Unsafe.SizeOf<AttentionParams>())],
            ["GatherRows"] = [PtxParameter.Extent, PtxParameter.View, PtxParameter.View, PtxParameter.View, PtxParameter.Scalars(Unsafe.SizeOf<RowParams>())],
            ["ScatterRows"] = [PtxParameter.Extent, PtxParameter.View, PtxParameter.View, PtxParameter.View, PtxParameter.Scalars(Unsafe.SizeOf<RowParams>())],
        };

    private CudaKernels(CudaDevice device)
    {
        _device = device;
        var architecture = ArchitectureFor(device.ComputeCapability);
        var ptx = IlgpuPtx.CompileAll(architecture);
        try
        {
            _attention = Load(ptx, "Attention");
            _gather = Load(ptx, "GatherRows");
            _scatter = Load(ptx, "ScatterRows");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Compiles and loads the kernels on <paramref name="device"/> (which the caller keeps owning).</summary>
    public static CudaKernels Load(CudaDevice device) => new(device);

    /// <summary>The largest head dimension the attention kernel supports.</summary>
    public static int MaxHeadDim => AttentionKernels.DimsPerLane * WarpSize;

    /// <summary>
    /// The PTX target for a device: sm_90 for compute capability 9.0 and later (PTX is JIT-compiled
    /// forward), sm_80 for 8.x; older GPUs are not supported (ILGPU's minimum PTX for these kernels).
    /// </summary>
    public static CudaArchitecture ArchitectureFor((int Major, int Minor) capability) => capability.Major switch
    {
        >= 9 => CudaArchitecture.SM_90,
        8 => CudaArchitecture.SM_80,
        _ => throw new NotSupportedException($"compute capability {capability.Major}.{capability.Minor} is older than 8.0, which the CUDA kernels need"),
    };

    /// <summary>The entry name of the only kernel in an ILGPU PTX module.</summary>
    public static string EntryName(string ptx) =>
        EntryPattern().Match(ptx) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("PTX has no .entry");

    [GeneratedRegex(@"\.entry\s+([A-Za-z_$][\w$]*)\s*\(")]
    private static partial Regex EntryPattern();

    /// <summary>o ← attention(q, k, v); q and o hold shape.QueryLength elements, k and v shape.KeyValueLength.</summary>
    public void Attention(nint q, nint k, nint v, nint o, AttentionShape shape)
    {
        shape.Validate();
        if (shape.HeadDim > MaxHeadDim) throw new NotSupportedException($"HeadDim {shape.HeadDim} exceeds the {MaxHeadDim} the attention kernel supports");
        if (shape.Queries == 0) return;
        var p = new AttentionParams(shape);
        var a = _attention.Arguments;
        a.SetView(0, q, shape.QueryLength);
        a.SetView(1, k, shape.KeyValueLength);
        a.SetView(2, v, shape.KeyValueLength);
        a.SetView(3, o, shape.QueryLength);
        a.SetScalars(4, p);
        var groups = (p.TotalQueries + WarpsPerGroup - 1) / WarpsPerGroup;
        Run(_attention, groups, WarpsPerGroup * WarpSize);
    }

    /// <summary>destination[b, i] ← source[b, indices[i]] for i &lt; count; indices is a device int array.</summary>
    public void GatherRows(nint source, nint indices, int count, nint destination, RowShape shape)
    {
        shape.Validate(shape.SourceLength, count, shape.DestinationLength, gather: true);
        LaunchRows(_gather, source, indices, count, destination, shape);
    }

    /// <summary>destination[b, indices[i]] ← source[b, i] for i &lt; count; indices is a device int array.</summary>
    public void ScatterRows(nint source, nint indices, int count, nint destination, RowShape shape)
    {
        shape.Validate(shape.SourceLength, count, shape.DestinationLength, gather: false);
        LaunchRows(_scatter, source, indices, count, destination, shape);
    }

    private void LaunchRows(Launch kernel, nint source, nint indices, int count, nint destination, RowShape shape)
    {
        var elements = (long)shape.Batch * count * shape.Width;
        if (elements == 0) return;
        var a = kernel.Arguments;
        a.SetExtent(0, checked((int)elements));
        a.SetView(1, source, shape.SourceLength);
        a.SetView(2, indices, count);
        a.SetView(3, destination, shape.DestinationLength);
        a.SetScalars(4, new RowParams(shape, count));
        Run(kernel, (int)((elements + RowThreadsPerGroup - 1) / RowThreadsPerGroup), RowThreadsPerGroup);
    }

    private void Run(Launch kernel, int groups, int threads)
    {
        _device.MakeCurrent();
        CudaDriver.Check(CudaDriver.cuLaunchKernel(kernel.Function, (uint)groups, 1, 1, (uint)threads, 1, 1, 0,
            _device.Stream.Value, kernel.Arguments.Pointers, null), $"cuLaunchKernel({kernel.Name})");
    }

    private Launch Load(IReadOnlyDictionary<string, string> ptx, string name)
    {
        var module = _device.LoadPtx(ptx[name]);
        _modules.Add(module);
        return new Launch(name, _device.Function(module, EntryName(ptx[name])), new KernelArguments(Parameters[name]));
    }

    public void Dispose()
    {
        foreach (var m in _modules) m.Dispose();
        _modules.Clear();
    }

    private sealed record Launch(string Name, nint Function, KernelArguments Arguments);
}
