namespace Jano.Core.Packages;

/// <summary>A package that cannot be used; the message names the file and the field.</summary>
public sealed class ModelPackageException(string message, Exception? inner = null) : IOException(OneLine.Of(message), inner);
