namespace Jano.Export.Encoders.T5;

/// <summary>
/// The parameters of a T5 encoder by transformers' state-dict key, fetched when asked for. A 4096-wide
/// T5-XXL encoder holds 4.7 billion weights, so nothing is loaded ahead: the graph builder reads one
/// tensor, turns it into an initializer and lets it go. Every read goes through a lookup that checks
/// the shape (<see cref="Checkpoints.CheckpointWeights.GetFloat32"/> names the file and key on a mismatch).
/// T5 has no biases anywhere.
/// </summary>
public sealed class T5Weights(T5Config config, T5Weights.TensorLookup get, string embeddingKey = T5Weights.SharedEmbedding)
{
    /// <summary>Reads a tensor by key, asserting its shape.</summary>
    public delegate float[] TensorLookup(string key, long[] shape);

    /// <summary>The token embedding as T5EncoderModel saves it (save_pretrained keeps this one of the tied pair).</summary>
    public const string SharedEmbedding = "shared.weight";
    /// <summary>The same table under the encoder's own name, present in some checkpoints beside or instead of shared.weight.</summary>
    public const string EncoderEmbedding = "encoder.embed_tokens.weight";

    public T5Config Config => config;

    /// <summary>The key the embedding is read from (<see cref="SharedEmbedding"/> or <see cref="EncoderEmbedding"/>).</summary>
    public string EmbeddingKey => embeddingKey;

    public static string Block(int layer) => $"encoder.block.{layer}.layer.";
    public static string Attention(int layer, string part) => $"{Block(layer)}0.SelfAttention.{part}.weight";
    public static string RelativeBiasKey(int layer) => Attention(layer, "relative_attention_bias");
    public static string AttentionNormKey(int layer) => $"{Block(layer)}0.layer_norm.weight";
    public static string FeedForward(int layer, string part) => $"{Block(layer)}1.DenseReluDense.{part}.weight";
    public static string FeedForwardNormKey(int layer) => $"{Block(layer)}1.layer_norm.weight";
    public const string FinalNormKey = "encoder.final_layer_norm.weight";

    /// <summary>[vocab, d_model]: row i is token i's input state (not scaled by √d_model in T5).</summary>
    public float[] Embedding() => get(embeddingKey, [config.VocabSize, config.DModel]);

    /// <summary>q, k or v projection, PyTorch layout [inner, d_model].</summary>
    public float[] Projection(int layer, string qkv) => get(Attention(layer, qkv), [config.InnerDim, config.DModel]);

    /// <summary>Output projection [d_model, inner].</summary>
    public float[] Output(int layer) => get(Attention(layer, "o"), [config.DModel, config.InnerDim]);

    /// <summary>[num_buckets, heads]: the bias each bucket adds to every head's scores.</summary>
    public float[] RelativeBias(int layer) => get(RelativeBiasKey(layer), [config.NumBuckets, config.NumHeads]);

    public float[] AttentionNorm(int layer) => get(AttentionNormKey(layer), [config.DModel]);

    /// <summary>wi (not gated), wi_0 (activated half) or wi_1 (linear half): [d_ff, d_model].</summary>
    public float[] Up(int layer, string part) => get(FeedForward(layer, part), [config.DFf, config.DModel]);

    /// <summary>wo: [d_model, d_ff].</summary>
    public float[] Down(int layer) => get(FeedForward(layer, "wo"), [config.DModel, config.DFf]);

    public float[] FeedForwardNorm(int layer) => get(FeedForwardNormKey(layer), [config.DModel]);

    public float[] FinalNorm() => get(FinalNormKey, [config.DModel]);

    /// <summary>Every key and shape of the encoder, in state-dict order, with <see cref="SharedEmbedding"/> for the embedding.</summary>
    public static IEnumerable<(string Key, long[] Shape)> ExpectedTensors(T5Config c)
    {
        long d = c.DModel, inner = c.InnerDim, ff = c.DFf;
        yield return (SharedEmbedding, [c.VocabSize, d]);
        for (var i = 0; i < c.NumLayers; i++)
        {
            foreach (var part in new[] { "q", "k", "v" }) yield return (Attention(i, part), [inner, d]);
            yield return (Attention(i, "o"), [d, inner]);
            if (c.HasRelativeBias(i)) yield return (RelativeBiasKey(i), [c.NumBuckets, c.NumHeads]);
            yield return (AttentionNormKey(i), [d]);
            foreach (var part in UpParts(c)) yield return (FeedForward(i, part), [ff, d]);
            yield return (FeedForward(i, "wo"), [d, ff]);
            yield return (FeedForwardNormKey(i), [d]);
        }
        yield return (FinalNormKey, [d]);
    }

    /// <summary>The up-projections' key parts: wi_0 and wi_1 when gated, else wi.</summary>
    public static string[] UpParts(T5Config c) => c.IsGated ? ["wi_0", "wi_1"] : ["wi"];
}
