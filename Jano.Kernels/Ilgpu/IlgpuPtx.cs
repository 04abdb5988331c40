using System.Reflection;
using ILGPU;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Jano.Kernels.Ilgpu;

/// <summary>
/// Compiles every ILGPU kernel of this assembly to PTX for a chosen architecture without a GPU or a
/// CUDA driver, so that CUDA code generation can be checked anywhere.
/// </summary>
public static class IlgpuPtx
{
    /// <summary>
    /// Kernel name → PTX text for <paramref name="architecture"/>, using the oldest PTX instruction
    /// set that supports it (what the oldest capable driver accepts).
    /// </summary>
    public static IReadOnlyDictionary<string, string> CompileAll(CudaArchitecture architecture) =>
        CompileAll(architecture, MinimumInstructionSet(architecture));

    /// <summary>Kernel name → PTX text for the given architecture and PTX instruction set.</summary>
    public static IReadOnlyDictionary<string, string> CompileAll(CudaArchitecture architecture,
        CudaInstructionSet instructionSet)
    {
        using Context context = Context.Create(builder => builder.Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, TargetingExactly(architecture), architecture, instructionSet,
            nvvmAPI: null);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (IlgpuKernelCatalog.Entry kernel in IlgpuKernelCatalog.All)
        {
            var entry = kernel.Describe();
            var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
            result.Add(kernel.Name, compiled.PTXAssembly);
        }
        return result;
    }

    /// <summary>The oldest PTX instruction set that can target <paramref name="architecture"/>.</summary>
    public static CudaInstructionSet MinimumInstructionSet(CudaArchitecture architecture) =>
        CudaAccelerator.GetInstructionSet(architecture, CudaDriverVersionUtils.GetMinimumDriverVersion(architecture));

    /// <summary>
    /// Capabilities of <paramref name="architecture"/> whose PTX <c>.target</c> is that architecture.
    /// ILGPU 1.5.3 otherwise writes the lowest architecture that has every capability it knows of
    /// (at most sm_80), which the driver would accept but which is not what we ask to check; its
    /// setter is internal, hence the reflection.
    /// </summary>
    private static CudaCapabilityContext TargetingExactly(CudaArchitecture architecture)
    {
        var capabilities = new CudaCapabilityContext(architecture);
        if (capabilities.TargetArchitecture == architecture) return capabilities;
        MethodInfo setter = typeof(CudaCapabilityContext)
            .GetProperty(nameof(CudaCapabilityContext.TargetArchitecture))?
            .GetSetMethod(nonPublic: true)
            ?? throw new NotSupportedException(
                "This ILGPU version does not let CudaCapabilityContext.TargetArchitecture be set; update IlgpuPtx.");
        setter.Invoke(capabilities, [architecture]);
        return capabilities;
    }
}
