namespace Jano.Core.IO;

/// <summary>A tensor to write: little-endian bytes of <see cref="DType"/> in row-major order of <see cref="Shape"/>.</summary>
public sealed record SafetensorsTensor(string Name, SafetensorsDType DType, long[] Shape, ReadOnlyMemory<byte> Data)
{
    /// <summary>A float tensor stored as F32.</summary>
    public static SafetensorsTensor FromFloat32(string name, long[] shape, ReadOnlySpan<float> data) =>
        FromFloat32As(name, shape, data, SafetensorsDType.F32);

    /// <summary>A float tensor stored as <paramref name="dtype"/> (F32, F16, BF16 or F64), rounding to nearest even.</summary>
    public static SafetensorsTensor FromFloat32As(string name, long[] shape, ReadOnlySpan<float> data, SafetensorsDType dtype)
    {
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"tensor '{name}': {dtype} is not a floating-point dtype", nameof(dtype));
        return new SafetensorsTensor(name, dtype, shape, SafetensorsFloatConversion.FromFloat32(data, dtype));
    }
}
