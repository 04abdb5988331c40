using Jano.Export.PixArt;

namespace Jano.Export.Sd3;

/// <summary>Per-head RMS norm weights [head_dim] of one attention (SD3.5's qk_norm), image and context streams.</summary>
public sealed record Sd3QkNorms(float[] Q, float[] K, float[] AddedQ, float[] AddedK);

/// <summary>
/// The second, image-only self-attention of an SD3.5 MMDiT-X block (attn2): its own projections, output
/// projection and, with qk_norm, its own per-head RMS norms of the queries and keys (no context stream).
/// </summary>
public sealed record Sd3ImageAttentionWeights(
    LinearWeights Q, LinearWeights K, LinearWeights V, LinearWeights Out, float[]? NormQ, float[]? NormK);

/// <summary>
/// One joint block. The last block is context_pre_only: its context norm is AdaLayerNormContinuous
/// (2D rows, no gates) and it has no context output, so ContextOut and the context MLP are null.
/// A dual-attention block (SD3.5) has Norm1 of 9D rows (SD35AdaLayerNormZeroX: the six of
/// AdaLayerNormZero, then shift, scale, gate of attn2) and Attention2; other blocks have null there.
/// </summary>
public sealed record Sd3BlockWeights(
    LinearWeights Norm1,             // D → 6D: shift, scale, gate (attention); shift, scale, gate (MLP); D → 9D with attn2's three
    LinearWeights Norm1Context,      // D → 6D, or D → 2D (scale, shift) in the last block
    LinearWeights Q, LinearWeights K, LinearWeights V, LinearWeights Out,
    LinearWeights AddQ, LinearWeights AddK, LinearWeights AddV, LinearWeights? AddOut,
    LinearWeights MlpUp, LinearWeights MlpDown,
    LinearWeights? ContextMlpUp, LinearWeights? ContextMlpDown,
    Sd3QkNorms? QkNorms,
    Sd3ImageAttentionWeights? Attention2 = null);

/// <summary>Every parameter of an SD3 transformer, keyed as diffusers' SD3Transformer2DModel state dict.</summary>
public sealed record Sd3Weights(
    float[] PatchConv,               // [D, C, p, p]
    float[] PatchBias,               // [D]
    float[] PositionTable,           // [max², D]: the persistent pos_embed.pos_embed buffer
    LinearWeights TimestepLinear1,   // 256 → D
    LinearWeights TimestepLinear2,   // D → D
    LinearWeights PooledLinear1,     // pooled → D
    LinearWeights PooledLinear2,     // D → D
    LinearWeights ContextEmbedder,   // joint_attention_dim → D
    Sd3BlockWeights[] Blocks,
    LinearWeights NormOut,           // D → 2D (scale, shift)
    LinearWeights ProjOut)           // D → p·p·C_out
{
    public const int TimestepChannels = 256;

    public static Sd3Weights Load(Sd3Config c, PixArtWeights.TensorLookup get)
    {
        int d = c.HiddenSize, hd = c.HeadDim;
        LinearWeights Lin(string name, int inF, int outF) =>
            new(get(name + ".weight", [outF, inF]), get(name + ".bias", [outF]), inF, outF);

        var blocks = new Sd3BlockWeights[c.NumLayers];
        for (var i = 0; i < c.NumLayers; i++)
        {
            var b = $"transformer_blocks.{i}.";
            var last = i == c.NumLayers - 1;
            var dual = c.IsDual(i);
            blocks[i] = new Sd3BlockWeights(
                Lin(b + "norm1.linear", d, (dual ? 9 : 6) * d),
                Lin(b + "norm1_context.linear", d, last ? 2 * d : 6 * d),
                Lin(b + "attn.to_q", d, d), Lin(b + "attn.to_k", d, d), Lin(b + "attn.to_v", d, d), Lin(b + "attn.to_out.0", d, d),
                Lin(b + "attn.add_q_proj", d, d), Lin(b + "attn.add_k_proj", d, d), Lin(b + "attn.add_v_proj", d, d),
                last ? null : Lin(b + "attn.to_add_out", d, d),
                Lin(b + "ff.net.0.proj", d, c.MlpHidden), Lin(b + "ff.net.2", c.MlpHidden, d),
                last ? null : Lin(b + "ff_context.net.0.proj", d, c.MlpHidden), last ? null : Lin(b + "ff_context.net.2", c.MlpHidden, d),
                c.QkRmsNorm
                    ? new Sd3QkNorms(get(b + "attn.norm_q.weight", [hd]), get(b + "attn.norm_k.weight", [hd]),
                        get(b + "attn.norm_added_q.weight", [hd]), get(b + "attn.norm_added_k.weight", [hd]))
                    : null,
                dual
                    ? new Sd3ImageAttentionWeights(
                        Lin(b + "attn2.to_q", d, d), Lin(b + "attn2.to_k", d, d), Lin(b + "attn2.to_v", d, d), Lin(b + "attn2.to_out.0", d, d),
                        c.QkRmsNorm ? get(b + "attn2.norm_q.weight", [hd]) : null, c.QkRmsNorm ? get(b + "attn2.norm_k.weight", [hd]) : null)
                    : null);
        }

        long max = c.PosEmbedMaxSize;
        return new Sd3Weights(
            get("pos_embed.proj.weight", [d, c.InChannels, c.PatchSize, c.PatchSize]),
            get("pos_embed.proj.bias", [d]),
            get("pos_embed.pos_embed", [1, max * max, d]),
            Lin("time_text_embed.timestep_embedder.linear_1", TimestepChannels, d),
            Lin("time_text_embed.timestep_embedder.linear_2", d, d),
            Lin("time_text_embed.text_embedder.linear_1", c.PooledProjectionDim, d),
            Lin("time_text_embed.text_embedder.linear_2", d, d),
            Lin("context_embedder", c.JointAttentionDim, d),
            blocks,
            Lin("norm_out.linear", d, 2 * d),
            Lin("proj_out", d, c.PatchOutputWidth));
    }

    /// <summary>
    /// The position rows of a grid of gh × gw patches: the centre crop of the max × max table
    /// (top = (max − gh) / 2, left = (max − gw) / 2), as diffusers' PatchEmbed.cropped_pos_embed.
    /// </summary>
    public float[] CroppedPositions(int max, int gh, int gw, int d)
    {
        if (gh > max || gw > max)
            throw new ExportException($"a {gh}x{gw} patch grid exceeds pos_embed_max_size {max}");
        int top = (max - gh) / 2, left = (max - gw) / 2;
        var rows = new float[gh * gw * d];
        for (var r = 0; r < gh; r++)
            Array.Copy(PositionTable, ((top + r) * max + left) * d, rows, r * gw * d, gw * d);
        return rows;
    }
}
