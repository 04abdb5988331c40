namespace Jano.Runtime.Batch;

/// <summary>A batch manifest refused before any item ran; the message is one line naming the file, the line and the field.</summary>
public sealed class BatchManifestException(string message) : Exception(Jano.Core.OneLine.Of(message));
