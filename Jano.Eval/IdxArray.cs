namespace Jano.Eval;

/// <summary>The content of one IDX file of unsigned bytes: its dimensions and its values in row-major order.</summary>
public sealed record IdxArray(int[] Dimensions, byte[] Data)
{
    /// <summary>The first dimension: images or labels in the file.</summary>
    public int Count => Dimensions.Length == 0 ? 1 : Dimensions[0];

    /// <summary>Values per item: the product of every dimension after the first.</summary>
    public int ItemSize => Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);
}
