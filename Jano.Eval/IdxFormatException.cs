namespace Jano.Eval;

/// <summary>
/// An IDX file (the MNIST container format) is malformed. The message starts with the file path:
/// <c>train-images-idx3-ubyte.gz: truncated: the header promises 47040000 bytes of data, the file holds 100</c>.
/// Derives from <see cref="IOException"/> so the CLI reports it as one line, like every bad input file.
/// </summary>
public sealed class IdxFormatException(string filePath, string problem, Exception? inner = null)
    : IOException($"{filePath}: {problem}", inner)
{
    public string FilePath { get; } = filePath;
}
