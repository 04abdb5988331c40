using Jano.Export.PixArt;

namespace Jano.Export.Encoders.Clip;

/// <summary>A LayerNorm's affine parameters, each [D].</summary>
public sealed record ClipNorm(float[] Weight, float[] Bias);

/// <summary>One pre-LN encoder layer: layer_norm1 → self-attention → residual, layer_norm2 → MLP → residual.</summary>
public sealed record ClipLayerWeights(
    ClipNorm Norm1, LinearWeights Q, LinearWeights K, LinearWeights V, LinearWeights Out,
    ClipNorm Norm2, LinearWeights Fc1, LinearWeights Fc2);

/// <summary>
/// Every parameter of a CLIP text encoder, keyed as transformers' CLIPTextModel /
/// CLIPTextModelWithProjection state dict. Loaded through a lookup that checks each tensor's shape,
/// so a config/weight mismatch is caught here with the key and both shapes.
/// </summary>
public sealed record ClipTextWeights(
    float[] TokenEmbedding,     // [vocab, D]
    float[] PositionEmbedding,  // [max_positions, D]
    ClipLayerWeights[] Layers,
    ClipNorm FinalNorm,
    float[]? TextProjection)    // [projection_dim, D], no bias; WithProjection only
{
    /// <summary>
    /// A non-persistent buffer (arange of the positions) that older transformers saved into the file;
    /// not a parameter, so it is neither needed nor reported as unused.
    /// </summary>
    public const string PositionIdsKey = "text_model.embeddings.position_ids";

    /// <summary>Every key and shape the config implies, in state-dict order.</summary>
    public static IEnumerable<(string Key, long[] Shape)> ExpectedTensors(ClipTextConfig c)
    {
        long d = c.HiddenSize, m = c.IntermediateSize;
        yield return ("text_model.embeddings.token_embedding.weight", [c.VocabSize, d]);
        yield return ("text_model.embeddings.position_embedding.weight", [c.MaxPositions, d]);
        for (var i = 0; i < c.NumLayers; i++)
        {
            var l = LayerPrefix(i);
            foreach (var name in new[] { "self_attn.k_proj", "self_attn.v_proj", "self_attn.q_proj", "self_attn.out_proj" })
                foreach (var t in Linear(l + name, d, d)) yield return t;
            foreach (var t in Norm(l + "layer_norm1", d)) yield return t;
            foreach (var t in Linear(l + "mlp.fc1", d, m)) yield return t;
            foreach (var t in Linear(l + "mlp.fc2", m, d)) yield return t;
            foreach (var t in Norm(l + "layer_norm2", d)) yield return t;
        }
        foreach (var t in Norm("text_model.final_layer_norm", d)) yield return t;
        if (c.WithProjection) yield return ("text_projection.weight", [c.ProjectionDim, d]);
    }

    public static ClipTextWeights Load(ClipTextConfig c, PixArtWeights.TensorLookup get)
    {
        int d = c.HiddenSize, m = c.IntermediateSize;
        LinearWeights Lin(string name, int inF, int outF) =>
            new(get(name + ".weight", [outF, inF]), get(name + ".bias", [outF]), inF, outF);
        ClipNorm LayerNorm(string name) => new(get(name + ".weight", [d]), get(name + ".bias", [d]));

        var layers = new ClipLayerWeights[c.NumLayers];
        for (var i = 0; i < c.NumLayers; i++)
        {
            var l = LayerPrefix(i);
            layers[i] = new ClipLayerWeights(
                LayerNorm(l + "layer_norm1"),
                Lin(l + "self_attn.q_proj", d, d), Lin(l + "self_attn.k_proj", d, d), Lin(l + "self_attn.v_proj", d, d),
                Lin(l + "self_attn.out_proj", d, d),
                LayerNorm(l + "layer_norm2"),
                Lin(l + "mlp.fc1", d, m), Lin(l + "mlp.fc2", m, d));
        }
        return new ClipTextWeights(
            get("text_model.embeddings.token_embedding.weight", [c.VocabSize, d]),
            get("text_model.embeddings.position_embedding.weight", [c.MaxPositions, d]),
            layers,
            LayerNorm("text_model.final_layer_norm"),
            c.WithProjection ? get("text_projection.weight", [c.ProjectionDim, d]) : null);
    }

    private static string LayerPrefix(int i) => $"text_model.encoder.layers.{i}.";

    private static IEnumerable<(string, long[])> Linear(string name, long inFeatures, long outFeatures)
    {
        yield return (name + ".weight", [outFeatures, inFeatures]);
        yield return (name + ".bias", [outFeatures]);
    }

    private static IEnumerable<(string, long[])> Norm(string name, long width)
    {
        yield return (name + ".weight", [width]);
        yield return (name + ".bias", [width]);
    }
}
