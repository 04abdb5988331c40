namespace Jano.Core.IO;

/// <summary>
/// A safetensors file violates the format. The message always starts with the file path and, where the
/// problem belongs to one tensor, names it: <c>model.safetensors: tensor 'w': data_offsets [0, 12] lie
/// outside the 8-byte data section</c>.
/// Derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed; callers that
/// report bad input files catch IOException.
/// </summary>
public sealed class SafetensorsFormatException : IOException
{
    public SafetensorsFormatException(string filePath, string? tensorName, string problem, Exception? inner = null)
        : base(OneLine.Of(Compose(filePath, tensorName, problem)), inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    public string FilePath { get; }

    /// <summary>The tensor the problem belongs to, or null for a problem of the header as a whole.</summary>
    public string? TensorName { get; }

    private static string Compose(string filePath, string? tensorName, string problem) =>
        tensorName is null ? $"{filePath}: {problem}" : $"{filePath}: tensor '{tensorName}': {problem}";
}
