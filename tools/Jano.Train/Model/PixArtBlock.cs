using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Jano.Train.Model;

/// <summary>
/// diffusers BasicTransformerBlock with norm_type "ada_norm_single" (PixArt): modulated self-attention
/// with a gated residual, then cross-attention to the caption with NO norm before it and no gate, then
/// a modulated, gated MLP. The norms have no affine parameters; scale_shift_table [6, D] is added to the
/// shared timestep modulation.
/// </summary>
public sealed class PixArtBlock : nn.Module
{
#pragma warning disable IDE1006
    private readonly Parameter scale_shift_table;
    private readonly Attention attn1, attn2;
    private readonly FeedForward ff;
#pragma warning restore IDE1006
    private readonly long[] _normShape;

    public PixArtBlock(int dim, int heads) : base(nameof(PixArtBlock))
    {
        scale_shift_table = new Parameter(randn(6, dim) / Math.Sqrt(dim));
        attn1 = new Attention(dim, heads);
        attn2 = new Attention(dim, heads);
        ff = new FeedForward(dim);
        _normShape = [dim];
        RegisterComponents();
    }

    public Attention CrossAttention => attn2;

    /// <param name="h">tokens [B, N, D]</param>
    /// <param name="modulation">adaln_single output viewed as [B, 6, D]</param>
    /// <param name="context">projected caption [B, M, D]</param>
    /// <param name="keyBias">[B, 1, 1, M] caption key bias, or null when no key is padding</param>
    public Tensor Forward(Tensor h, Tensor modulation, Tensor context, Tensor? keyBias)
    {
        using var scope = NewDisposeScope();
        var m = (scale_shift_table.unsqueeze(0) + modulation).chunk(6, dim: 1); // six [B, 1, D]
        Tensor shiftMsa = m[0], scaleMsa = m[1], gateMsa = m[2], shiftMlp = m[3], scaleMlp = m[4], gateMlp = m[5];

        var n = functional.layer_norm(h, _normShape, null, null, PixArtConfig.NormEps) * (1 + scaleMsa) + shiftMsa;
        h = h + gateMsa * attn1.Forward(n, n, null);
        h = h + attn2.Forward(h, context, keyBias);
        n = functional.layer_norm(h, _normShape, null, null, PixArtConfig.NormEps) * (1 + scaleMlp) + shiftMlp;
        h = h + gateMlp * ff.Forward(n);
        return h.MoveToOuterDisposeScope();
    }
}
