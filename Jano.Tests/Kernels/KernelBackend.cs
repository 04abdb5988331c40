using Jano.Kernels;
using Jano.Kernels.Cpu;
using Jano.Kernels.Cuda;
using Jano.Kernels.Ilgpu;

namespace Jano.Tests.Kernels;

/// <summary>
/// One backend under test. Fixtures take the backend's name, create it once, and run every test body
/// on it; a backend that this machine cannot run (CUDA without a GPU) makes the fixture Ignored.
/// </summary>
internal sealed class KernelBackend : IDisposable
{
    public const string Cpu = "Cpu";
    public const string IlgpuCpuAccelerator = "IlgpuCpuAccelerator";
    public const string IlgpuCuda = "IlgpuCuda";

    /// <summary>ILGPU's PTX launched through the driver API in the primary context: what the step loop runs on a GPU.</summary>
    public const string CudaDriverPtx = "CudaDriverPtx";

    /// <summary>The backend names, for <c>[TestFixtureSource]</c>.</summary>
    public static readonly string[] Names = [Cpu, IlgpuCpuAccelerator, IlgpuCuda, CudaDriverPtx];

    /// <summary>
    /// Backends of the block dynamics kernel: not CudaDriverPtx, because the step loop analyses on the
    /// host (the predictions are there for the sampler) and launches only attention and rows itself.
    /// </summary>
    public static readonly string[] BlockDynamicsNames = [Cpu, IlgpuCpuAccelerator, IlgpuCuda];

    private readonly IDisposable? _owned;

    private KernelBackend(string name, IAttentionKernel attention, IRowKernels rows, IDisposable? owned)
    {
        Name = name;
        Attention = attention;
        Rows = rows;
        _owned = owned;
    }

    public string Name { get; }
    public IAttentionKernel Attention { get; }
    public IRowKernels Rows { get; }

    /// <summary>Whether this backend runs GPU code on the CPU (slow: keep sizes tiny).</summary>
    public bool IsSimulated => Name == IlgpuCpuAccelerator;

    /// <summary>Creates the backend, or marks the calling fixture Ignored when it cannot run here.</summary>
    public static KernelBackend Create(string name)
    {
        switch (name)
        {
            case Cpu:
                return new KernelBackend(name, new CpuAttention(), new CpuRowKernels(), owned: null);
            case IlgpuCpuAccelerator:
            {
                var host = new IlgpuHostKernels(IlgpuKernels.CreateCpu(), ownsDevice: true);
                return new KernelBackend(name, host, host, host);
            }
            case IlgpuCuda:
            {
                IlgpuKernels? device = IlgpuKernels.TryCreateCuda(out string? reason);
                if (device is null) Assert.Ignore($"{IlgpuCuda}: {reason}");
                var host = new IlgpuHostKernels(device, ownsDevice: true);
                return new KernelBackend(name, host, host, host);
            }
            case CudaDriverPtx:
            {
                var cuda = CudaHostKernels.TryCreate(out string? reason);
                if (cuda is null) Assert.Ignore($"{CudaDriverPtx}: {reason}");
                return new KernelBackend(name, cuda, cuda, cuda);
            }
            default:
                throw new ArgumentException($"Unknown backend '{name}'.", nameof(name));
        }
    }

    public void Dispose() => _owned?.Dispose();

    public override string ToString() => Name;
}
