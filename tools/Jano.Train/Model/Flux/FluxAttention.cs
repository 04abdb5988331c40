using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Jano.Train.Model.Flux;

/// <summary>
/// diffusers Attention as FluxTransformerBlock builds it (FluxAttnProcessor2_0): image projections
/// to_q/to_k/to_v, caption projections add_q_proj/add_k_proj/add_v_proj, per-head RMSNorm on queries and
/// keys of both (norm_q, norm_k, norm_added_q, norm_added_k), one joint attention over [caption; image]
/// with RoPE on both, then to_out.0 for the image part and to_add_out for the caption part.
/// </summary>
public sealed class FluxJointAttention : nn.Module
{
#pragma warning disable IDE1006 // checkpoint key names
    private readonly Linear to_q, to_k, to_v, add_q_proj, add_k_proj, add_v_proj, to_add_out;
    private readonly RmsNorm norm_q, norm_k, norm_added_q, norm_added_k;
    private readonly ModuleList<Module<Tensor, Tensor>> to_out; // to_out.1 is diffusers' parameterless dropout
#pragma warning restore IDE1006
    private readonly int _heads;

    public FluxJointAttention(int dim, int heads) : base(nameof(FluxJointAttention))
    {
        _heads = heads;
        int hd = dim / heads;
        to_q = Linear(dim, dim); to_k = Linear(dim, dim); to_v = Linear(dim, dim);
        norm_q = new RmsNorm(hd); norm_k = new RmsNorm(hd);
        add_q_proj = Linear(dim, dim); add_k_proj = Linear(dim, dim); add_v_proj = Linear(dim, dim);
        norm_added_q = new RmsNorm(hd); norm_added_k = new RmsNorm(hd);
        to_out = ModuleList<Module<Tensor, Tensor>>(Linear(dim, dim), Dropout(0.0));
        to_add_out = Linear(dim, dim);
        RegisterComponents();
    }

    /// <param name="image">normalised image tokens [B, N, D]</param>
    /// <param name="text">normalised caption tokens [B, M, D]</param>
    /// <param name="rope">cos/sin [M+N, hd] for the joint sequence</param>
    /// <param name="keyBias">[B, 1, 1, M+N] (0 or −10000 on padded caption keys), or null</param>
    public (Tensor Image, Tensor Text) Forward(Tensor image, Tensor text, (Tensor Cos, Tensor Sin) rope, Tensor? keyBias)
    {
        using var scope = NewDisposeScope();
        long m = text.shape[1];
        var q = cat([Heads(add_q_proj, norm_added_q, text), Heads(to_q, norm_q, image)], dim: 2);
        var k = cat([Heads(add_k_proj, norm_added_k, text), Heads(to_k, norm_k, image)], dim: 2);
        var v = cat([Heads(add_v_proj, null, text), Heads(to_v, null, image)], dim: 2);
        var o = FluxAttentionMath.Attend(q, k, v, rope, keyBias);
        var textOut = to_add_out.forward(o[.., ..(int)m]);
        var imageOut = to_out[0].forward(o[.., (int)m..]);
        return (imageOut.MoveToOuterDisposeScope(), textOut.MoveToOuterDisposeScope());
    }

    private Tensor Heads(Linear projection, RmsNorm? norm, Tensor x) => FluxAttentionMath.Heads(projection, norm, x, _heads);
}

/// <summary>
/// diffusers Attention as FluxSingleTransformerBlock builds it (pre_only: no output projection; the
/// block's proj_out takes the attention output together with the MLP branch): to_q/to_k/to_v with
/// per-head RMSNorm on queries and keys, RoPE, attention over the whole [caption; image] sequence.
/// </summary>
public sealed class FluxSelfAttention : nn.Module
{
#pragma warning disable IDE1006
    private readonly Linear to_q, to_k, to_v;
    private readonly RmsNorm norm_q, norm_k;
#pragma warning restore IDE1006
    private readonly int _heads;

    public FluxSelfAttention(int dim, int heads) : base(nameof(FluxSelfAttention))
    {
        _heads = heads;
        to_q = Linear(dim, dim); to_k = Linear(dim, dim); to_v = Linear(dim, dim);
        norm_q = new RmsNorm(dim / heads); norm_k = new RmsNorm(dim / heads);
        RegisterComponents();
    }

    /// <summary>x [B, M+N, D] → attention output [B, M+N, D] (heads merged, not projected).</summary>
    public Tensor Forward(Tensor x, (Tensor Cos, Tensor Sin) rope, Tensor? keyBias)
    {
        using var scope = NewDisposeScope();
        var q = FluxAttentionMath.Heads(to_q, norm_q, x, _heads);
        var k = FluxAttentionMath.Heads(to_k, norm_k, x, _heads);
        var v = FluxAttentionMath.Heads(to_v, null, x, _heads);
        return FluxAttentionMath.Attend(q, k, v, rope, keyBias).MoveToOuterDisposeScope();
    }
}

/// <summary>The steps both FLUX attentions share.</summary>
internal static class FluxAttentionMath
{
    /// <summary>projection(x) [B, L, D] → [B, heads, L, hd], RMS-normalised per head when a norm is given.</summary>
    public static Tensor Heads(Linear projection, RmsNorm? norm, Tensor x, int heads)
    {
        long b = x.shape[0], l = x.shape[1];
        using var y = projection.forward(x);
        var h = y.view(b, l, heads, -1).transpose(1, 2);
        if (norm is null) return h;
        using (h) return norm.Forward(h);
    }

    /// <summary>RoPE on q and k, scaled dot-product attention (scale 1/√hd), heads merged: [B, L, D].</summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, (Tensor Cos, Tensor Sin) rope, Tensor? keyBias)
    {
        using var scope = NewDisposeScope();
        var qr = FluxRope.Apply(q, rope.Cos, rope.Sin);
        var kr = FluxRope.Apply(k, rope.Cos, rope.Sin);
        var o = functional.scaled_dot_product_attention(qr, kr, v, attn_mask: keyBias);
        long b = o.shape[0], l = o.shape[2];
        return o.transpose(1, 2).reshape(b, l, -1).MoveToOuterDisposeScope();
    }
}
