using System.Runtime.CompilerServices;

namespace Jano.Kernels.Cuda;

/// <summary>
/// The argument block cuLaunchKernel reads: one slot per parameter and an array of pointers to the
/// slots. Allocated once per kernel on the pinned heap and rewritten in place for every launch, so
/// launching allocates nothing. Not thread-safe (one launch at a time per kernel).
/// </summary>
internal sealed unsafe class KernelArguments
{
    private const int SlotBytes = 32;
    private readonly byte[] _slots;
    private readonly nint[] _pointers;
    private readonly IReadOnlyList<PtxParameter> _parameters;

    public KernelArguments(IReadOnlyList<PtxParameter> parameters)
    {
        _parameters = parameters;
        _slots = GC.AllocateArray<byte>(parameters.Count * SlotBytes, pinned: true);
        _pointers = GC.AllocateArray<nint>(parameters.Count, pinned: true);
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].Size > SlotBytes) throw new NotSupportedException($"kernel parameter {i} has {parameters[i].Size} bytes (at most {SlotBytes})");
            _pointers[i] = (nint)Unsafe.AsPointer(ref _slots[i * SlotBytes]);
        }
    }

    /// <summary>The void** cuLaunchKernel takes.</summary>
    public void** Pointers => (void**)Unsafe.AsPointer(ref _pointers[0]);

    public void SetExtent(int index, int extent) => Set(index, PtxParameter.Extent, extent);

    public void SetView(int index, nint pointer, long length) => Set(index, PtxParameter.View, new ViewArgument(pointer, length));

    public void SetScalars<T>(int index, T value) where T : unmanaged => Set(index, PtxParameter.Scalars(sizeof(T)), value);

    private void Set<T>(int index, PtxParameter expected, T value) where T : unmanaged
    {
        if (_parameters[index] != expected)
            throw new InvalidOperationException($"kernel parameter {index} is {_parameters[index]}, not {expected}");
        Unsafe.WriteUnaligned(ref _slots[index * SlotBytes], value);
    }

    /// <summary>ArrayView's device layout in ILGPU's PTX backend.</summary>
    private readonly record struct ViewArgument(nint Pointer, long Length);
}
