namespace Jano.Core.IO;

/// <summary>Element types a safetensors file can hold (the subset Jano reads and writes).</summary>
public enum SafetensorsDType
{
    F64,
    F32,
    F16,
    BF16,
    I64,
    I32,
    I16,
    I8,
    U8,
    BOOL,
}

/// <summary>Element sizes and the spelling of each dtype in a safetensors header.</summary>
public static class SafetensorsDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F64 or SafetensorsDType.I64 => 8,
        SafetensorsDType.F32 or SafetensorsDType.I32 => 4,
        SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.I16 => 2,
        SafetensorsDType.I8 or SafetensorsDType.U8 or SafetensorsDType.BOOL => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown safetensors dtype"),
    };

    /// <summary>The header string, e.g. "BF16". It equals the enum member's name by construction.</summary>
    public static string ToHeaderString(this SafetensorsDType dtype)
    {
        _ = dtype.ElementSize(); // rejects values outside the enum
        return dtype.ToString();
    }

    /// <summary>
    /// Parses a header dtype string. Matching is exact (case-sensitive) because the format defines the
    /// spellings; "f32" is not a dtype any writer produces, so accepting it would only hide corruption.
    /// </summary>
    public static bool TryParse(string text, out SafetensorsDType dtype)
    {
        switch (text)
        {
            case "F64": dtype = SafetensorsDType.F64; return true;
            case "F32": dtype = SafetensorsDType.F32; return true;
            case "F16": dtype = SafetensorsDType.F16; return true;
            case "BF16": dtype = SafetensorsDType.BF16; return true;
            case "I64": dtype = SafetensorsDType.I64; return true;
            case "I32": dtype = SafetensorsDType.I32; return true;
            case "I16": dtype = SafetensorsDType.I16; return true;
            case "I8": dtype = SafetensorsDType.I8; return true;
            case "U8": dtype = SafetensorsDType.U8; return true;
            case "BOOL": dtype = SafetensorsDType.BOOL; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>True for the dtypes <see cref="SafetensorsFile.ReadAsFloat32(string)"/> converts.</summary>
    public static bool IsFloatingPoint(this SafetensorsDType dtype) =>
        dtype is SafetensorsDType.F64 or SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16;
}
