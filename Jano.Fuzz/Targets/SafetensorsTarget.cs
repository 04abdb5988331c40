using Jano.Core.IO;

namespace Jano.Fuzz.Targets;

/// <summary>A .safetensors file as a checkpoint or a package table: open it (header, offsets, dtypes) and read every tensor.</summary>
public static class SafetensorsTarget
{
    /// <summary>Tensors above this many elements are not read (the header checks have run; reading them proves nothing more).</summary>
    private const long MaxElementsRead = 1 << 20;

    public static readonly FuzzTarget Target = new("safetensors", "SafetensorsFile.Open and ReadAsFloat32 of every floating-point tensor", Run);

    private static void Run(byte[] input, Scratch scratch)
    {
        using var file = SafetensorsFile.Open(scratch.Write("input.safetensors", input));
        foreach (var entry in file.Entries.Values)
        {
            if (entry.ElementCount > MaxElementsRead) continue;
            if (entry.DType.IsFloatingPoint()) file.ReadAsFloat32(entry.Name);
            else file.ReadRaw(entry.Name);
        }
        _ = file.Metadata.Count;
    }
}
