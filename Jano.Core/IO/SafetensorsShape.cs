namespace Jano.Core.IO;

/// <summary>Shape arithmetic and formatting shared by the safetensors reader, writer and checkpoint access.</summary>
public static class SafetensorsShape
{
    /// <summary>Product of the dims; throws <see cref="OverflowException"/> rather than wrapping around.</summary>
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (long dim in shape)
        {
            if (dim < 0) throw new ArgumentException($"negative dimension {dim} in shape {Format(shape)}", nameof(shape));
            count = checked(count * dim);
        }
        return count;
    }

    /// <summary>"[128, 64]"; "[]" for a scalar.</summary>
    public static string Format(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++) parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }
}
