using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Jano.Train.Model.Flux;

/// <summary>
/// diffusers CombinedTimestepTextProjEmbeddings ("time_text_embed"), or with guidance_embeds
/// CombinedTimestepGuidanceTextProjEmbeddings: timestep_embedder(sinusoid(1000·t)) [+
/// guidance_embedder(sinusoid(1000·g))] + text_embedder(pooled), where text_embedder is
/// PixArtAlphaTextProjection with SiLU. The sinusoid is diffusers' Timesteps(256, flip_sin_to_cos=True, 0).
/// </summary>
public sealed class FluxTimeTextEmbed : nn.Module
{
#pragma warning disable IDE1006
    private readonly TimestepEmbedding timestep_embedder;
    private readonly TimestepEmbedding? guidance_embedder; // absent (not registered) without guidance_embeds
    private readonly PooledTextProjection text_embedder;
#pragma warning restore IDE1006

    public FluxTimeTextEmbed(int dim, int pooledDim, bool guidance) : base(nameof(FluxTimeTextEmbed))
    {
        timestep_embedder = new TimestepEmbedding(SinCos.TimestepChannels, dim);
        if (guidance) guidance_embedder = new TimestepEmbedding(SinCos.TimestepChannels, dim);
        text_embedder = new PooledTextProjection(pooledDim, dim);
        RegisterComponents();
    }

    public TimestepEmbedding TimestepEmbedder => timestep_embedder;
    public TimestepEmbedding? GuidanceEmbedder => guidance_embedder;
    public PooledTextProjection TextEmbedder => text_embedder;

    /// <param name="timestep">[B], σ in [0, 1] (FluxTransformer2DModel scales it by 1000 itself)</param>
    /// <param name="guidance">[B] or null; required exactly when the model has a guidance embedder</param>
    /// <param name="pooled">[B, pooled_projection_dim]</param>
    public Tensor Forward(Tensor timestep, Tensor? guidance, Tensor pooled)
    {
        using var scope = NewDisposeScope();
        var temb = timestep_embedder.forward(SinCos.Timestep(timestep * 1000f));
        if (guidance_embedder is not null)
        {
            if (guidance is null) throw new ArgumentException("this FLUX model has guidance_embeds: pass a guidance value");
            temb = temb + guidance_embedder.forward(SinCos.Timestep(guidance * 1000f));
        }
        else if (guidance is not null)
        {
            throw new ArgumentException("this FLUX model has no guidance embedder (guidance_embeds false): pass no guidance");
        }
        return (temb + text_embedder.forward(pooled)).MoveToOuterDisposeScope();
    }
}

/// <summary>diffusers PixArtAlphaTextProjection with act_fn "silu": linear_1, SiLU, linear_2.</summary>
public sealed class PooledTextProjection : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Linear linear_1, linear_2;
#pragma warning restore IDE1006

    public PooledTextProjection(int inDim, int dim) : base(nameof(PooledTextProjection))
    {
        linear_1 = Linear(inDim, dim);
        linear_2 = Linear(dim, dim);
        RegisterComponents();
    }

    public IEnumerable<Linear> Linears => [linear_1, linear_2];

    public override Tensor forward(Tensor x)
    {
        using var h = linear_1.forward(x);
        using var a = functional.silu(h);
        return linear_2.forward(a);
    }
}
