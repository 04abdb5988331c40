using System.Buffers.Binary;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Jano.Core.IO;

/// <summary>
/// Conversions between little-endian F64/F32/F16/BF16 bytes and float. The fast paths reinterpret bytes
/// in place, which is only right on little-endian hosts; big-endian hosts take the per-element path.
/// </summary>
public static class SafetensorsFloatConversion
{
    /// <summary>Converts <paramref name="source"/> bytes of <paramref name="dtype"/> into floats; lengths must agree.</summary>
    public static void ToFloat32(SafetensorsDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        int size = dtype.ElementSize();
        if (source.Length != (long)destination.Length * size)
            throw new ArgumentException($"{source.Length} bytes of {dtype} do not make {destination.Length} elements");

        switch (dtype)
        {
            case SafetensorsDType.F32:
                if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                else for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                break;
            case SafetensorsDType.F16:
                if (BitConverter.IsLittleEndian) TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                else for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]);
                break;
            case SafetensorsDType.BF16:
                BFloat16ToFloat32(source, destination);
                break;
            case SafetensorsDType.F64:
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]);
                break;
            default:
                throw new NotSupportedException($"{dtype} is not a floating-point dtype");
        }
    }

    /// <summary>Encodes floats as little-endian bytes of <paramref name="dtype"/> (F64, F32, F16 or BF16).</summary>
    public static byte[] FromFloat32(ReadOnlySpan<float> source, SafetensorsDType dtype)
    {
        var bytes = new byte[checked(source.Length * dtype.ElementSize())];
        for (int i = 0; i < source.Length; i++)
        {
            switch (dtype)
            {
                case SafetensorsDType.F32: BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), source[i]); break;
                case SafetensorsDType.F64: BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), source[i]); break;
                // System.Half's conversion rounds to nearest even, as PyTorch's .half() does.
                case SafetensorsDType.F16: BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(2 * i), (Half)source[i]); break;
                case SafetensorsDType.BF16: BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), ToBFloat16Bits(source[i])); break;
                default: throw new NotSupportedException($"{dtype} is not a floating-point dtype");
            }
        }
        return bytes;
    }

    /// <summary>BF16 is the upper half of a float's bits, so widening is a 16-bit shift.</summary>
    public static float BFloat16BitsToFloat32(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>Float to BF16 bits with round-to-nearest-even (PyTorch's rounding); NaN stays a quiet NaN
    /// because rounding could otherwise carry a NaN's payload into infinity.</summary>
    public static ushort ToBFloat16Bits(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040);
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    private static void BFloat16ToFloat32(ReadOnlySpan<byte> source, Span<float> destination)
    {
        int i = 0;
        if (BitConverter.IsLittleEndian && Vector.IsHardwareAccelerated)
        {
            // Widen Vector<ushort>.Count halves at a time: two Vector<uint> lanes, each shifted into the high half.
            ReadOnlySpan<ushort> halves = MemoryMarshal.Cast<byte, ushort>(source);
            Span<uint> wide = MemoryMarshal.Cast<float, uint>(destination);
            int step = Vector<ushort>.Count;
            for (; i + step <= halves.Length; i += step)
            {
                Vector.Widen(new Vector<ushort>(halves[i..]), out Vector<uint> low, out Vector<uint> high);
                Vector.ShiftLeft(low, 16).CopyTo(wide[i..]);
                Vector.ShiftLeft(high, 16).CopyTo(wide[(i + Vector<uint>.Count)..]);
            }
        }
        for (; i < destination.Length; i++)
            destination[i] = BFloat16BitsToFloat32(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]));
    }
}
