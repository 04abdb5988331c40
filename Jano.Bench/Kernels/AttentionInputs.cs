using Jano.Kernels;

namespace Jano.Bench.Kernels;

/// <summary>
/// Random q, k, v and an output buffer for one attention shape, on the pinned heap so ONNX Runtime
/// can bind them in place (as the runtime does) and kernels can read them without copies.
/// </summary>
public sealed class AttentionInputs
{
    public AttentionInputs(AttentionShape shape, int seed = 1)
    {
        Shape = shape;
        Q = Random(shape.QueryLength, seed);
        K = Random(shape.KeyValueLength, seed + 1);
        V = Random(shape.KeyValueLength, seed + 2);
        O = GC.AllocateArray<float>((int)shape.QueryLength, pinned: true);
    }

    public AttentionShape Shape { get; }
    public float[] Q { get; }
    public float[] K { get; }
    public float[] V { get; }
    public float[] O { get; }

    private static float[] Random(long length, int seed)
    {
        var r = new Random(seed);
        var a = GC.AllocateArray<float>((int)length, pinned: true);
        for (var i = 0; i < a.Length; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }
}
