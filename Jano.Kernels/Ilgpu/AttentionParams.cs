namespace Jano.Kernels.Ilgpu;

/// <summary>Scalar arguments of <see cref="AttentionKernels.Attention"/>, passed by value to the device.</summary>
internal readonly struct AttentionParams
{
    public AttentionParams(AttentionShape shape)
    {
        Queries = shape.Queries;
        Keys = shape.Keys;
        KeyCapacity = shape.KeyCapacity;
        Heads = shape.Heads;
        HeadDim = shape.HeadDim;
        TotalQueries = shape.Batch * shape.Heads * shape.Queries;
        // Scores are kept in base 2 (scale · log2 e) so the kernel can use exp2, a native PTX instruction.
        ScaleLog2 = shape.Scale * 1.44269504088896341f;
    }

    public int Queries { get; }
    public int Keys { get; }
    public int KeyCapacity { get; }
    public int Heads { get; }
    public int HeadDim { get; }
    public int TotalQueries { get; }
    public float ScaleLog2 { get; }
}
