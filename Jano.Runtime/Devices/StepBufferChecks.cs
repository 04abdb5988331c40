using Jano.Kernels;

namespace Jano.Runtime.Devices;

/// <summary>Range checks shared by the devices, so that a wrong length fails here with the sizes, not inside a kernel.</summary>
internal static class StepBufferChecks
{
    public static void Range(StepBuffer buffer, long offset, long count, string name)
    {
        if (offset < 0 || count < 0 || offset + count > buffer.Length)
            throw new ArgumentOutOfRangeException(name, $"{name}: elements [{offset}, {offset + count}) are outside the buffer's {buffer.Length}");
    }

    public static void Rows(StepBuffer source, StepBuffer destination, int indexCount, RowShape shape)
    {
        if (ReferenceEquals(source, destination)) throw new ArgumentException("a row gather needs different source and destination buffers");
        shape.Validate(shape.SourceLength, indexCount, shape.DestinationLength, gather: true);
        Range(source, 0, shape.SourceLength, "source");
        Range(destination, 0, shape.DestinationLength, "destination");
    }

    public static void Attention(StepBuffer q, StepBuffer k, StepBuffer v, StepBuffer o, AttentionShape shape)
    {
        shape.Validate();
        Range(q, 0, shape.QueryLength, "q");
        Range(k, 0, shape.KeyValueLength, "k");
        Range(v, 0, shape.KeyValueLength, "v");
        Range(o, 0, shape.QueryLength, "o");
    }
}
