using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Jano.Train.Model;

/// <summary>
/// diffusers Attention as PixArt uses it (bias on q/k/v/out, no qk-norm, scale 1/√head_dim). Field
/// names are the diffusers key names: to_q, to_k, to_v, to_out.0 (to_out.1 is diffusers' parameterless
/// dropout, kept so the index of the projection matches).
/// </summary>
public sealed class Attention : nn.Module
{
#pragma warning disable IDE1006 // field names are checkpoint key names
    private readonly Linear to_q, to_k, to_v;
    private readonly ModuleList<Module<Tensor, Tensor>> to_out;
#pragma warning restore IDE1006
    private readonly int _heads;

    public Attention(int dim, int heads) : base(nameof(Attention))
    {
        _heads = heads;
        to_q = Linear(dim, dim);
        to_k = Linear(dim, dim);
        to_v = Linear(dim, dim);
        to_out = ModuleList<Module<Tensor, Tensor>>(Linear(dim, dim), Dropout(0.0));
        RegisterComponents();
    }

    public Linear OutProjection => (Linear)to_out[0];

    /// <summary>
    /// Queries from <paramref name="x"/> [B, N, D], keys and values from <paramref name="context"/>
    /// [B, M, D]; <paramref name="keyBias"/> [B, 1, 1, M] is added to the scores (0 or −10000, as
    /// diffusers turns a key mask into a bias), or null.
    /// </summary>
    public Tensor Forward(Tensor x, Tensor context, Tensor? keyBias)
    {
        long b = x.shape[0], n = x.shape[1], m = context.shape[1], d = x.shape[2];
        long hd = d / _heads;
        using var q = to_q.forward(x).view(b, n, _heads, hd).transpose(1, 2);
        using var k = to_k.forward(context).view(b, m, _heads, hd).transpose(1, 2);
        using var v = to_v.forward(context).view(b, m, _heads, hd).transpose(1, 2);
        using var o = functional.scaled_dot_product_attention(q, k, v, attn_mask: keyBias);
        using var merged = o.transpose(1, 2).reshape(b, n, d);
        return to_out[0].forward(merged);
    }
}
