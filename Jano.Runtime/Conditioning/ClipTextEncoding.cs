namespace Jano.Runtime.Conditioning;

/// <summary>
/// One prompt through the CLIP text encoder. <see cref="States"/> is [SequenceLength, HiddenSize]
/// row-major, every position including padding (SD3 conditions on all 77 rows); which states they are
/// (last or penultimate) is <see cref="Kind"/>. <see cref="Pooled"/> is [HiddenSize], the final-normed
/// state at the EOS; <see cref="TextEmbeds"/> is [projection_dim] for a model with projection, else null.
/// </summary>
public sealed record ClipTextEncoding(
    ClipTokens Tokens,
    ClipTokenStates Kind,
    float[] States,
    int HiddenSize,
    float[] Pooled,
    float[]? TextEmbeds)
{
    public int SequenceLength => Tokens.Ids.Length;

    /// <summary>Real tokens (BOS and EOS included): the rows before padding.</summary>
    public int Length => Tokens.Length;

    public ReadOnlySpan<float> Row(int position) => States.AsSpan(position * HiddenSize, HiddenSize);
}
