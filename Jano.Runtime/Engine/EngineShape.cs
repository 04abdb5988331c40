namespace Jano.Runtime.Engine;

/// <summary>
/// The sizes the token engine needs, whatever the family: prefix rows L (computed every step), image
/// tokens N, the model width, heads, depth and the widths of the patch rows in and out.
/// </summary>
public sealed record EngineShape(int PrefixRows, int Tokens, int HiddenSize, int Heads, int HeadDim, int Depth, int PatchInputWidth, int PatchOutputWidth)
{
    /// <summary>Rows of every persistent per-token buffer: L + N.</summary>
    public int Rows => PrefixRows + Tokens;
}
