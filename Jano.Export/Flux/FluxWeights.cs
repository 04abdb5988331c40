using Jano.Export.PixArt;

namespace Jano.Export.Flux;

/// <summary>Per-head RMS norm weights [head_dim] of the queries and keys (both streams in a double block).</summary>
public sealed record FluxQkNorms(float[] Q, float[] K, float[]? AddedQ = null, float[]? AddedK = null);

/// <summary>A double-stream block (FluxTransformerBlock): image and context streams, one joint attention.</summary>
public sealed record FluxDoubleBlockWeights(
    LinearWeights Norm1, LinearWeights Norm1Context,     // D → 6D each (AdaLayerNormZero)
    LinearWeights Q, LinearWeights K, LinearWeights V, LinearWeights Out,
    LinearWeights AddQ, LinearWeights AddK, LinearWeights AddV, LinearWeights AddOut,
    FluxQkNorms Norms,
    LinearWeights MlpUp, LinearWeights MlpDown, LinearWeights ContextMlpUp, LinearWeights ContextMlpDown);

/// <summary>A single-stream block (FluxSingleTransformerBlock): D → 3D modulation, q/k/v, parallel MLP, proj_out over [attention; MLP].</summary>
public sealed record FluxSingleBlockWeights(
    LinearWeights Norm, LinearWeights Q, LinearWeights K, LinearWeights V, FluxQkNorms Norms,
    LinearWeights ProjMlp, LinearWeights ProjOut);

/// <summary>
/// Every parameter of a FLUX transformer, keyed as diffusers' FluxTransformer2DModel state dict. The
/// x_embedder columns and proj_out rows are kept in diffusers' packed-channel order (c·4 + dy·2 + dx);
/// the emitter reorders them to our patch rows.
/// </summary>
public sealed record FluxWeights(
    LinearWeights XEmbedder,          // 4C → D
    LinearWeights ContextEmbedder,    // joint_attention_dim → D
    LinearWeights TimestepLinear1, LinearWeights TimestepLinear2,
    LinearWeights? GuidanceLinear1, LinearWeights? GuidanceLinear2,
    LinearWeights PooledLinear1, LinearWeights PooledLinear2,
    FluxDoubleBlockWeights[] Double,
    FluxSingleBlockWeights[] Single,
    LinearWeights NormOut,            // D → 2D (scale, shift)
    LinearWeights ProjOut)            // D → 4·C_out
{
    public static FluxWeights Load(FluxConfig c, PixArtWeights.TensorLookup get)
    {
        int d = c.HiddenSize, hd = c.HeadDim, mlp = c.MlpHidden;
        LinearWeights Lin(string name, int inF, int outF) =>
            new(get(name + ".weight", [outF, inF]), get(name + ".bias", [outF]), inF, outF);
        float[] Norm(string name) => get(name + ".weight", [hd]);

        var doubles = new FluxDoubleBlockWeights[c.NumLayers];
        for (var i = 0; i < c.NumLayers; i++)
        {
            var b = $"transformer_blocks.{i}.";
            doubles[i] = new FluxDoubleBlockWeights(
                Lin(b + "norm1.linear", d, 6 * d), Lin(b + "norm1_context.linear", d, 6 * d),
                Lin(b + "attn.to_q", d, d), Lin(b + "attn.to_k", d, d), Lin(b + "attn.to_v", d, d), Lin(b + "attn.to_out.0", d, d),
                Lin(b + "attn.add_q_proj", d, d), Lin(b + "attn.add_k_proj", d, d), Lin(b + "attn.add_v_proj", d, d), Lin(b + "attn.to_add_out", d, d),
                new FluxQkNorms(Norm(b + "attn.norm_q"), Norm(b + "attn.norm_k"), Norm(b + "attn.norm_added_q"), Norm(b + "attn.norm_added_k")),
                Lin(b + "ff.net.0.proj", d, mlp), Lin(b + "ff.net.2", mlp, d),
                Lin(b + "ff_context.net.0.proj", d, mlp), Lin(b + "ff_context.net.2", mlp, d));
        }
        var singles = new FluxSingleBlockWeights[c.NumSingleLayers];
        for (var i = 0; i < c.NumSingleLayers; i++)
        {
            var b = $"single_transformer_blocks.{i}.";
            singles[i] = new FluxSingleBlockWeights(
                Lin(b + "norm.linear", d, 3 * d),
                Lin(b + "attn.to_q", d, d), Lin(b + "attn.to_k", d, d), Lin(b + "attn.to_v", d, d),
                new FluxQkNorms(Norm(b + "attn.norm_q"), Norm(b + "attn.norm_k")),
                Lin(b + "proj_mlp", d, mlp), Lin(b + "proj_out", d + mlp, d));
        }
        const int t = Sd3.Sd3Weights.TimestepChannels;
        return new FluxWeights(
            Lin("x_embedder", c.InChannels, d),
            Lin("context_embedder", c.JointAttentionDim, d),
            Lin("time_text_embed.timestep_embedder.linear_1", t, d), Lin("time_text_embed.timestep_embedder.linear_2", d, d),
            c.GuidanceEmbeds ? Lin("time_text_embed.guidance_embedder.linear_1", t, d) : null,
            c.GuidanceEmbeds ? Lin("time_text_embed.guidance_embedder.linear_2", d, d) : null,
            Lin("time_text_embed.text_embedder.linear_1", c.PooledProjectionDim, d), Lin("time_text_embed.text_embedder.linear_2", d, d),
            doubles, singles,
            Lin("norm_out.linear", d, 2 * d),
            Lin("proj_out", d, c.OutChannels));
    }
}
