namespace Jano.Kernels.Cuda;

/// <summary>One parameter of a PTX kernel entry: its size and alignment in bytes, as <c>.param</c> declares it.</summary>
public readonly record struct PtxParameter(int Size, int Align)
{
    /// <summary>An implicitly grouped kernel's extent (ILGPU's Index1D): the thread count, a 32-bit integer.</summary>
    public static PtxParameter Extent => new(4, 4);

    /// <summary>An ILGPU ArrayView: the device address and the element count, two 64-bit values.</summary>
    public static PtxParameter View => new(16, 8);

    /// <summary>A struct of 32-bit scalars passed by value.</summary>
    public static PtxParameter Scalars(int size) => new(size, 4);
}
