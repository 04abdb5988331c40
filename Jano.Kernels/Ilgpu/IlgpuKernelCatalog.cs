using System.Reflection;
using ILGPU.Backends.EntryPoints;

namespace Jano.Kernels.Ilgpu;

/// <summary>Every ILGPU kernel of this assembly, by name, with how it is grouped.</summary>
internal static class IlgpuKernelCatalog
{
    public sealed record Entry(string Name, MethodInfo Method, bool ExplicitlyGrouped)
    {
        public EntryPointDescription Describe() => ExplicitlyGrouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(Method)
            : EntryPointDescription.FromImplicitlyGroupedKernel(Method);
    }

    public static IReadOnlyList<Entry> All { get; } =
    [
        new("Attention", Kernel(typeof(AttentionKernels), nameof(AttentionKernels.Attention)), ExplicitlyGrouped: true),
        new("GatherRows", Kernel(typeof(RowKernels), nameof(RowKernels.Gather)), ExplicitlyGrouped: false),
        new("ScatterRows", Kernel(typeof(RowKernels), nameof(RowKernels.Scatter)), ExplicitlyGrouped: false),
        new("BlockDynamics", Kernel(typeof(BlockDynamicsKernels), nameof(BlockDynamicsKernels.BlockDynamics)),
            ExplicitlyGrouped: false),
    ];

    private static MethodInfo Kernel(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
        ?? throw new InvalidOperationException($"Kernel {type.Name}.{name} not found.");
}
