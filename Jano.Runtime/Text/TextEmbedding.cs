namespace Jano.Runtime.Text;

/// <summary>
/// The text encoder's output for one prompt: the last hidden state of every token, unpadded, so
/// every row is a real token and no attention mask is needed downstream. Instances may be shared
/// through the encoder's cache: treat the arrays as read-only.
/// </summary>
public sealed record TextEmbedding
{
    public TextEmbedding(int[] tokenIds, float[] hiddenStates, int hiddenSize)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        ArgumentNullException.ThrowIfNull(hiddenStates);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        if (hiddenStates.Length != tokenIds.Length * hiddenSize)
            throw new ArgumentException(
                $"Hidden states hold {hiddenStates.Length} values; {tokenIds.Length} tokens × {hiddenSize} need {tokenIds.Length * hiddenSize}.",
                nameof(hiddenStates));
        TokenIds = tokenIds;
        HiddenStates = hiddenStates;
        HiddenSize = hiddenSize;
    }

    /// <summary>Token ids, [CLS] first and [SEP] last.</summary>
    public int[] TokenIds { get; }

    /// <summary>Last hidden states, [TokenCount, HiddenSize] row-major.</summary>
    public float[] HiddenStates { get; }

    public int HiddenSize { get; }

    public int TokenCount => TokenIds.Length;

    /// <summary>The hidden state of token <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index) => HiddenStates.AsSpan(index * HiddenSize, HiddenSize);
}
