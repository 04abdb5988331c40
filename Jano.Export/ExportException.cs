namespace Jano.Export;

/// <summary>A checkpoint or config that cannot be exported; the message names the file and the field.</summary>
public sealed class ExportException(string message, Exception? inner = null) : IOException(Jano.Core.OneLine.Of(message), inner);
