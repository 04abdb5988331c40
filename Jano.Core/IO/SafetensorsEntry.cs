namespace Jano.Core.IO;

/// <summary>
/// One tensor of a safetensors header. <see cref="Offset"/> and <see cref="Length"/> are in bytes and
/// relative to the data section (which begins right after the header), exactly as in the header's
/// <c>data_offsets</c> = [Offset, Offset + Length].
/// </summary>
public sealed record SafetensorsEntry(string Name, SafetensorsDType DType, long[] Shape, long Offset, long Length)
{
    /// <summary>Product of the shape; 1 for a scalar (empty shape).</summary>
    public long ElementCount => SafetensorsShape.ElementCount(Shape);

    /// <summary>Shape as "[a, b, c]", the form error messages use.</summary>
    public string ShapeText => SafetensorsShape.Format(Shape);
}
