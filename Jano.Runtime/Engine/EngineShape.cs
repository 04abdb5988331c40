namespace Jano.Runtime.Engine;

/// <summary>
/// The sizes the token engine needs, whatever the family: prefix rows L (computed every step), image
/// tokens N, the model width, heads, depth and the widths of the patch rows in and out; and which
/// blocks also run a second, image-only self-attention (SD3.5's MMDiT-X attn2): one flag per block,
/// from the package's block kinds; null when none does.
/// </summary>
public sealed record EngineShape(int PrefixRows, int Tokens, int HiddenSize, int Heads, int HeadDim, int Depth, int PatchInputWidth, int PatchOutputWidth,
    IReadOnlyList<bool>? ImageAttentionLayers = null)
{
    /// <summary>Rows of every persistent per-token buffer: L + N.</summary>
    public int Rows => PrefixRows + Tokens;

    /// <summary>Whether block <paramref name="layer"/> runs the image-only attention over its own K/V cache of the N image rows.</summary>
    public bool HasImageAttention(int layer) => ImageAttentionLayers is { } layers && layers[layer];

    /// <summary>Whether any block does: only then are the second attention's buffers allocated.</summary>
    public bool AnyImageAttention => ImageAttentionLayers is { } layers && layers.Contains(true);
}
