using Jano.Runtime.Devices;

namespace Jano.Runtime.Engine;

/// <summary>
/// What a block program computes once per prompt pair and binds into every step: per-layer
/// cross-attention K/V and a padding bias (cross blocks), or the text rows that start the prefix
/// (joint blocks). Owned by the batch it was made for.
/// </summary>
public abstract class CaptionBuffers : IDisposable
{
    /// <summary>Caption tokens after padding the branches to one length.</summary>
    public abstract int Tokens { get; }

    protected abstract IEnumerable<StepBuffer> Buffers { get; }

    public void Dispose()
    {
        foreach (var b in Buffers) b.Dispose();
    }
}
