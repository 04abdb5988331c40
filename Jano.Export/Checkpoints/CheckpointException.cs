namespace Jano.Export.Checkpoints;

/// <summary>
/// A checkpoint does not match what the exporter expects (missing folder or weights file, missing tensor,
/// wrong shape or dtype, inconsistent shard index). The message names the checkpoint file and the key.
/// Derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed.
/// </summary>
public sealed class CheckpointException : IOException
{
    public CheckpointException(string message, Exception? inner = null) : base(Jano.Core.OneLine.Of(message), inner) { }
}
