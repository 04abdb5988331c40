namespace Jano.Core.IO;

/// <summary>A tensor name that the safetensors file does not hold. Not a format problem, hence a lookup failure.</summary>
public sealed class SafetensorsTensorNotFoundException : KeyNotFoundException
{
    public SafetensorsTensorNotFoundException(string filePath, string tensorName)
        : base($"{filePath}: has no tensor '{tensorName}'")
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    public string FilePath { get; }
    public string TensorName { get; }
}
