namespace Jano.Kernels;

/// <summary>
/// Shape of one attention call. Layouts are row-major float32: q and o are [Batch, Queries, D],
/// k and v are [Batch, KeyCapacity, D] of which rows [0, Keys) are read, with D = Heads · HeadDim and
/// head h occupying columns [h·HeadDim, (h+1)·HeadDim). No mask, no causality.
/// </summary>
/// <param name="Batch">B, the number of independent sequences.</param>
/// <param name="Queries">n, the query rows per sequence (0 is allowed and does nothing).</param>
/// <param name="Keys">N, the key/value rows attended to per sequence (at least 1).</param>
/// <param name="KeyCapacity">Ncap, the rows per sequence of the k and v buffers (at least Keys).</param>
/// <param name="Heads">H.</param>
/// <param name="HeadDim">hd.</param>
/// <param name="Scale">Multiplies q·kᵀ before the softmax; usually 1/√hd.</param>
public readonly record struct AttentionShape(
    int Batch, int Queries, int Keys, int KeyCapacity, int Heads, int HeadDim, float Scale)
{
    /// <summary>A shape with the usual scale 1/√HeadDim.</summary>
    public static AttentionShape Create(int batch, int queries, int keys, int keyCapacity, int heads, int headDim) =>
        new(batch, queries, keys, keyCapacity, heads, headDim, 1f / MathF.Sqrt(headDim));

    /// <summary>D = Heads · HeadDim, the row width of q, k, v and o.</summary>
    public int ModelDim => Heads * HeadDim;

    /// <summary>Elements of q and of o: Batch · Queries · D.</summary>
    public long QueryLength => (long)Batch * Queries * ModelDim;

    /// <summary>Elements of k and of v: Batch · KeyCapacity · D.</summary>
    public long KeyValueLength => (long)Batch * KeyCapacity * ModelDim;

    /// <summary>Throws <see cref="ArgumentException"/> when the shape itself is invalid.</summary>
    public void Validate()
    {
        // Messages are built only on failure: a valid call allocates nothing.
        if (Batch < 1) throw Invalid(nameof(Batch), $"Batch must be at least 1 (was {Batch}).");
        if (Queries < 0) throw Invalid(nameof(Queries), $"Queries must not be negative (was {Queries}).");
        if (Keys < 1) throw Invalid(nameof(Keys), $"Keys must be at least 1 (was {Keys}).");
        if (KeyCapacity < Keys)
            throw Invalid(nameof(KeyCapacity), $"KeyCapacity ({KeyCapacity}) must be at least Keys ({Keys}).");
        if (Heads < 1) throw Invalid(nameof(Heads), $"Heads must be at least 1 (was {Heads}).");
        if (HeadDim < 1) throw Invalid(nameof(HeadDim), $"HeadDim must be at least 1 (was {HeadDim}).");
        if (!float.IsFinite(Scale)) throw Invalid(nameof(Scale), $"Scale must be finite (was {Scale}).");
        if ((long)Heads * HeadDim > int.MaxValue || QueryLength > int.MaxValue || KeyValueLength > int.MaxValue)
            throw Invalid(nameof(AttentionShape), $"Shape {this} has more than {int.MaxValue} elements in one tensor.");
    }

    /// <summary>
    /// Validates the shape and the tensor lengths: q and o must hold exactly <see cref="QueryLength"/>
    /// elements, k and v exactly <see cref="KeyValueLength"/>.
    /// </summary>
    public void Validate(long queryLength, long keyLength, long valueLength, long outputLength)
    {
        Validate();
        RequireLength(queryLength, QueryLength, "q", "[Batch, Queries, Heads·HeadDim]");
        RequireLength(keyLength, KeyValueLength, "k", "[Batch, KeyCapacity, Heads·HeadDim]");
        RequireLength(valueLength, KeyValueLength, "v", "[Batch, KeyCapacity, Heads·HeadDim]");
        RequireLength(outputLength, QueryLength, "o", "[Batch, Queries, Heads·HeadDim]");
    }

    private static ArgumentException Invalid(string name, string message) => new(message, name);

    private void RequireLength(long actual, long expected, string name, string layout)
    {
        if (actual != expected)
            throw new ArgumentException(
                $"{name} has {actual} elements but {layout} for {this} needs {expected}.", name);
    }
}
