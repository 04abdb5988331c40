using System.Numerics.Tensors;
using Jano.Runtime.Devices;

namespace Jano.Runtime.Engine;

/// <summary>
/// What the blocks added to their input at the last full step (last block's output − the embedding,
/// every row of every branch), so a later step can skip the blocks: its new embedding plus this residual
/// goes to the final layer (FORA's and TeaCache's reuse). Host buffers are read and written in place; on
/// a GPU both sides go through host memory (one download and one upload of the hidden rows per step: no
/// element-wise kernel exists on the device yet). Allocated once per engine; nothing per step.
/// </summary>
internal sealed class BlockResidual(IStepDevice device, long capacity)
{
    private readonly float[] _residual = new float[capacity];
    private readonly float[] _scratch = device is HostStepDevice ? [] : new float[capacity];
    private long _count = -1;

    /// <summary>Whether a residual of <paramref name="count"/> values is held (a full step recorded it since the last reset).</summary>
    public bool Holds(long count) => _count == count;

    public void Reset() => _count = -1;

    /// <summary>residual ← hidden − embedded over the first <paramref name="count"/> values.</summary>
    public void Record(StepBuffer embedded, StepBuffer hidden, long count)
    {
        var r = _residual.AsSpan(0, (int)count);
        if (embedded.HostData is { } e && hidden.HostData is { } h)
            TensorPrimitives.Subtract(h.AsSpan(0, (int)count), e.AsSpan(0, (int)count), r);
        else
        {
            var s = _scratch.AsSpan(0, (int)count);
            device.Download(hidden, 0, r);
            device.Download(embedded, 0, s);
            TensorPrimitives.Subtract(r, s, r);
        }
        _count = count;
    }

    /// <summary>hidden ← embedded + residual over the first <paramref name="count"/> values.</summary>
    public void Apply(StepBuffer embedded, StepBuffer hidden, long count)
    {
        if (!Holds(count)) throw new InvalidOperationException("no block residual to reuse: a full step must run first (and the order must not have changed since)");
        var r = _residual.AsSpan(0, (int)count);
        if (embedded.HostData is { } e && hidden.HostData is { } h)
            TensorPrimitives.Add(e.AsSpan(0, (int)count), r, h.AsSpan(0, (int)count));
        else
        {
            var s = _scratch.AsSpan(0, (int)count);
            device.Download(embedded, 0, s);
            TensorPrimitives.Add(s, r, s);
            device.Upload(s, hidden, 0);
        }
    }
}
