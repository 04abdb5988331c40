namespace Jano.Runtime.Conditioning;

/// <summary>
/// One prompt as the CLIP text encoder takes it: <see cref="Ids"/> of exactly the tokenizer's max length
/// (BOS, the BPE ids, EOS, then pad ids), <see cref="Length"/> of them real (BOS and EOS included).
/// </summary>
public sealed record ClipTokens(long[] Ids, int Length, bool Truncated)
{
    /// <summary>1 for the real tokens, 0 for padding (transformers' attention_mask; the encoder itself
    /// attends causally and ignores it, as SD3 and FLUX call it).</summary>
    public long[] AttentionMask()
    {
        var mask = new long[Ids.Length];
        Array.Fill(mask, 1L, 0, Length);
        return mask;
    }
}
