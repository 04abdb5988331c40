namespace Jano.Runtime.Conditioning;

/// <summary>
/// What a text encoder gives the transformer for one prompt: L token states [L, D] row-major, the
/// attention mask over those L rows (true = a real token, false = padding the transformer must not
/// attend to), the token ids, and an optional pooled vector [P]. Encoders that pad (T5 to the
/// pipeline's max length, as diffusers does) return padded rows with a false mask; MiniLM returns
/// only real rows. Instances may be shared through an encoder's cache: treat the arrays as read-only.
/// </summary>
public sealed record TextConditioning
{
    public TextConditioning(int[] tokenIds, float[] states, bool[] mask, int hiddenSize, float[]? pooled = null)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        if (states.Length != (long)tokenIds.Length * hiddenSize)
            throw new ArgumentException($"States hold {states.Length} values; {tokenIds.Length} tokens × {hiddenSize} need {(long)tokenIds.Length * hiddenSize}.", nameof(states));
        if (mask.Length != tokenIds.Length)
            throw new ArgumentException($"The mask has {mask.Length} entries for {tokenIds.Length} tokens.", nameof(mask));
        TokenIds = tokenIds;
        States = states;
        Mask = mask;
        HiddenSize = hiddenSize;
        Pooled = pooled;
        RealTokens = mask.Count(m => m);
    }

    /// <summary>Token ids of the L rows (padding ids included).</summary>
    public int[] TokenIds { get; }

    /// <summary>[L, D] row-major.</summary>
    public float[] States { get; }

    /// <summary>[L]: true for real tokens.</summary>
    public bool[] Mask { get; }

    public int HiddenSize { get; }

    /// <summary>The encoder's pooled vector (CLIP's projected EOS state), or null when it has none.</summary>
    public float[]? Pooled { get; }

    /// <summary>L: rows of <see cref="States"/>.</summary>
    public int TokenCount => TokenIds.Length;

    /// <summary>Rows whose mask is true.</summary>
    public int RealTokens { get; }

    /// <summary>The state of row <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index) => States.AsSpan(index * HiddenSize, HiddenSize);
}
