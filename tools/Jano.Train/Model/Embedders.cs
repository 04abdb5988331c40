using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Jano.Train.Model;

#pragma warning disable IDE1006 // field names are checkpoint key names

/// <summary>diffusers PatchEmbed ("pos_embed"): Conv2d patchify + the fixed 2D sin-cos table (not a parameter).</summary>
public sealed class PatchEmbed : nn.Module
{
    private readonly Conv2d proj;
    // An array, not a Tensor field: RegisterComponents would make a Tensor field a saved buffer, and
    // diffusers does not save this table either (it is recomputed from the config).
    private readonly Tensor[] _table;

    public PatchEmbed(PixArtConfig c) : base(nameof(PatchEmbed))
    {
        proj = Conv2d(c.InChannels, c.Dim, kernel_size: c.PatchSize, stride: c.PatchSize);
        _table = [SinCos.PositionTable(c.Dim, c.Grid, c.Grid, c.InterpolationScale)];
        RegisterComponents();
    }

    public Conv2d Proj => proj;
    public Tensor Table => _table[0];

    /// <summary>[B, C, S, S] → tokens [B, G·G, D] in row-major (h, w) order, plus positions.</summary>
    public Tensor Forward(Tensor x)
    {
        using var y = proj.forward(x);
        using var tokens = y.flatten(2).transpose(1, 2);
        return tokens + _table[0];
    }
}

/// <summary>
/// diffusers AdaLayerNormSingle ("adaln_single"): emb.timestep_embedder (linear_1, SiLU, linear_2) gives
/// embedded_t [B, D]; linear(SiLU(embedded_t)) gives the six per-block modulation vectors [B, 6D].
/// </summary>
public sealed class AdaLayerNormSingle : nn.Module
{
    private readonly CombinedEmbedding emb;
    private readonly Linear linear;

    public AdaLayerNormSingle(int dim) : base(nameof(AdaLayerNormSingle))
    {
        emb = new CombinedEmbedding(dim);
        linear = Linear(dim, 6 * dim);
        RegisterComponents();
    }

    public Linear Linear6 => linear;
    public TimestepEmbedding TimestepEmbedder => emb.Embedder;

    public (Tensor Modulation, Tensor Embedded) Forward(Tensor t)
    {
        using var sinusoid = SinCos.Timestep(t);
        var embedded = emb.Embedder.forward(sinusoid);
        using var act = functional.silu(embedded);
        return (linear.forward(act), embedded);
    }

    /// <summary>PixArtAlphaCombinedTimestepSizeEmbeddings without size conditioning: only "timestep_embedder".</summary>
    private sealed class CombinedEmbedding : nn.Module
    {
        private readonly TimestepEmbedding timestep_embedder;

        public CombinedEmbedding(int dim) : base(nameof(CombinedEmbedding))
        {
            timestep_embedder = new TimestepEmbedding(SinCos.TimestepChannels, dim);
            RegisterComponents();
        }

        public TimestepEmbedding Embedder => timestep_embedder;
    }
}

/// <summary>diffusers TimestepEmbedding: linear_1, SiLU, linear_2.</summary>
public sealed class TimestepEmbedding : Module<Tensor, Tensor>
{
    private readonly Linear linear_1, linear_2;

    public TimestepEmbedding(int inDim, int dim) : base(nameof(TimestepEmbedding))
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

/// <summary>diffusers PixArtAlphaTextProjection ("caption_projection"): linear_1, GELU(tanh), linear_2.</summary>
public sealed class CaptionProjection : Module<Tensor, Tensor>
{
    private readonly Linear linear_1, linear_2;

    public CaptionProjection(int inDim, int dim) : base(nameof(CaptionProjection))
    {
        linear_1 = Linear(inDim, dim);
        linear_2 = Linear(dim, dim);
        RegisterComponents();
    }

    public IEnumerable<Linear> Linears => [linear_1, linear_2];

    public override Tensor forward(Tensor x)
    {
        using var h = linear_1.forward(x);
        using var a = functional.gelu(h, TorchSharp.Modules.GELU.Approximate.tanh);
        return linear_2.forward(a);
    }
}
