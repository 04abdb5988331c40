namespace Jano.Export.PixArt;

/// <summary>A linear layer in PyTorch layout: Weight is [Out, In] row-major, Bias is [Out].</summary>
public sealed record LinearWeights(float[] Weight, float[] Bias, int In, int Out);

public sealed record PixArtBlockWeights(
    float[] ScaleShiftTable,          // [6, D]: shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp
    LinearWeights SelfQ, LinearWeights SelfK, LinearWeights SelfV, LinearWeights SelfOut,
    LinearWeights CrossQ, LinearWeights CrossK, LinearWeights CrossV, LinearWeights CrossOut,
    LinearWeights MlpUp, LinearWeights MlpDown);

/// <summary>
/// Every parameter of a PixArt transformer, keyed as diffusers' PixArtTransformer2DModel state dict.
/// Loaded through a lookup that checks each tensor's shape, so a config/weight mismatch is caught
/// here with the key and both shapes, never inside ONNX Runtime.
/// </summary>
/// <summary>The micro-condition embedders: each a 256-channel sinusoid → linear → SiLU → linear of width D / 3.</summary>
public sealed record SizeEmbedderWeights(LinearWeights Resolution1, LinearWeights Resolution2, LinearWeights Aspect1, LinearWeights Aspect2);

public sealed record PixArtWeights(
    float[] PatchConv,                // [D, C, p, p]
    float[] PatchBias,                // [D]
    LinearWeights TimestepLinear1,    // 256 → D
    LinearWeights TimestepLinear2,    // D → D
    LinearWeights AdaLinear,          // D → 6D
    LinearWeights CaptionLinear1,     // caption_channels → D
    LinearWeights CaptionLinear2,     // D → D
    PixArtBlockWeights[] Blocks,
    float[] FinalScaleShiftTable,     // [2, D]
    LinearWeights ProjOut,            // D → p·p·C_out
    SizeEmbedderWeights? SizeEmbedders) // micro-conditions, when the config uses them
{
    /// <summary>Width of the sinusoidal timestep embedding (diffusers' Timesteps(256)).</summary>
    public const int TimestepChannels = 256;

    /// <summary>Reads a tensor by key, asserting its shape. Implementations throw with the file and key.</summary>
    public delegate float[] TensorLookup(string key, long[] shape);

    /// <summary>Every key and shape the config implies, in state-dict order.</summary>
    public static IEnumerable<(string Key, long[] Shape)> ExpectedTensors(PixArtConfig c)
    {
        long d = c.HiddenSize, p = c.PatchSize;
        foreach (var t in Linear("adaln_single.emb.timestep_embedder.linear_1", TimestepChannels, d)) yield return t;
        foreach (var t in Linear("adaln_single.emb.timestep_embedder.linear_2", d, d)) yield return t;
        foreach (var t in Linear("adaln_single.linear", d, 6 * d)) yield return t;
        foreach (var t in Linear("caption_projection.linear_1", c.CaptionChannels, d)) yield return t;
        foreach (var t in Linear("caption_projection.linear_2", d, d)) yield return t;
        yield return ("pos_embed.proj.weight", [d, c.InChannels, p, p]);
        yield return ("pos_embed.proj.bias", [d]);
        for (var i = 0; i < c.NumLayers; i++)
        {
            var b = $"transformer_blocks.{i}.";
            yield return (b + "scale_shift_table", [6, d]);
            foreach (var name in new[] { "attn1.to_q", "attn1.to_k", "attn1.to_v", "attn1.to_out.0", "attn2.to_q", "attn2.to_k", "attn2.to_v", "attn2.to_out.0" })
                foreach (var t in Linear(b + name, d, d)) yield return t;
            foreach (var t in Linear(b + "ff.net.0.proj", d, c.MlpHidden)) yield return t;
            foreach (var t in Linear(b + "ff.net.2", c.MlpHidden, d)) yield return t;
        }
        yield return ("scale_shift_table", [2, d]);
        foreach (var t in Linear("proj_out", d, c.PatchOutputWidth)) yield return t;
        if (!c.UseAdditionalConditions) yield break;
        long s = c.SizeEmbeddingWidth;
        foreach (var embedder in new[] { "resolution_embedder", "aspect_ratio_embedder" })
        {
            foreach (var t in Linear($"adaln_single.emb.{embedder}.linear_1", TimestepChannels, s)) yield return t;
            foreach (var t in Linear($"adaln_single.emb.{embedder}.linear_2", s, s)) yield return t;
        }
    }

    private static IEnumerable<(string, long[])> Linear(string name, long inFeatures, long outFeatures)
    {
        yield return (name + ".weight", [outFeatures, inFeatures]);
        yield return (name + ".bias", [outFeatures]);
    }

    public static PixArtWeights Load(PixArtConfig c, TensorLookup get)
    {
        int d = c.HiddenSize;
        LinearWeights Lin(string name, int inF, int outF) =>
            new(get(name + ".weight", [outF, inF]), get(name + ".bias", [outF]), inF, outF);

        var blocks = new PixArtBlockWeights[c.NumLayers];
        for (var i = 0; i < c.NumLayers; i++)
        {
            var b = $"transformer_blocks.{i}.";
            blocks[i] = new PixArtBlockWeights(
                get(b + "scale_shift_table", [6, d]),
                Lin(b + "attn1.to_q", d, d), Lin(b + "attn1.to_k", d, d), Lin(b + "attn1.to_v", d, d), Lin(b + "attn1.to_out.0", d, d),
                Lin(b + "attn2.to_q", d, d), Lin(b + "attn2.to_k", d, d), Lin(b + "attn2.to_v", d, d), Lin(b + "attn2.to_out.0", d, d),
                Lin(b + "ff.net.0.proj", d, c.MlpHidden), Lin(b + "ff.net.2", c.MlpHidden, d));
        }

        return new PixArtWeights(
            get("pos_embed.proj.weight", [d, c.InChannels, c.PatchSize, c.PatchSize]),
            get("pos_embed.proj.bias", [d]),
            Lin("adaln_single.emb.timestep_embedder.linear_1", TimestepChannels, d),
            Lin("adaln_single.emb.timestep_embedder.linear_2", d, d),
            Lin("adaln_single.linear", d, 6 * d),
            Lin("caption_projection.linear_1", c.CaptionChannels, d),
            Lin("caption_projection.linear_2", d, d),
            blocks,
            get("scale_shift_table", [2, d]),
            Lin("proj_out", d, c.PatchOutputWidth),
            c.UseAdditionalConditions ? SizeEmbedders(c.SizeEmbeddingWidth) : null);

        SizeEmbedderWeights SizeEmbedders(int s) => new(
            Lin("adaln_single.emb.resolution_embedder.linear_1", TimestepChannels, s), Lin("adaln_single.emb.resolution_embedder.linear_2", s, s),
            Lin("adaln_single.emb.aspect_ratio_embedder.linear_1", TimestepChannels, s), Lin("adaln_single.emb.aspect_ratio_embedder.linear_2", s, s));
    }
}
