using TorchSharp;
using static TorchSharp.torch;

namespace Jano.Train.Model.Flux;

/// <summary>
/// diffusers FluxTransformerBlock (double stream): image and caption tokens each get their own
/// adaLN-Zero modulation (norm1, norm1_context: shift/scale/gate for attention, shift/scale/gate for the
/// MLP), attend jointly (<see cref="FluxJointAttention"/>), and go through their own gated MLPs (ff, ff_context).
/// </summary>
public sealed class FluxDoubleBlock : nn.Module
{
#pragma warning disable IDE1006
    private readonly FluxModulation norm1, norm1_context;
    private readonly FluxJointAttention attn;
    private readonly FeedForward ff, ff_context;
#pragma warning restore IDE1006

    public FluxDoubleBlock(int dim, int heads) : base(nameof(FluxDoubleBlock))
    {
        norm1 = new FluxModulation(dim, 6);
        norm1_context = new FluxModulation(dim, 6);
        attn = new FluxJointAttention(dim, heads);
        ff = new FeedForward(dim);
        ff_context = new FeedForward(dim);
        RegisterComponents();
    }

    public IEnumerable<FluxModulation> Modulations => [norm1, norm1_context];

    /// <returns>the updated (image [B, N, D], caption [B, M, D])</returns>
    public (Tensor Image, Tensor Text) Forward(Tensor image, Tensor text, Tensor temb, (Tensor Cos, Tensor Sin) rope, Tensor? keyBias)
    {
        using var scope = NewDisposeScope();
        var m = norm1.Forward(temb);          // shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp
        var c = norm1_context.Forward(temb);
        var (imageAttn, textAttn) = attn.Forward(
            FluxModulation.Norm(image, m[1], m[0]), FluxModulation.Norm(text, c[1], c[0]), rope, keyBias);

        image = image + m[2] * imageAttn;
        image = image + m[5] * ff.Forward(FluxModulation.Norm(image, m[4], m[3]));
        text = text + c[2] * textAttn;
        text = text + c[5] * ff_context.Forward(FluxModulation.Norm(text, c[4], c[3]));
        return (image.MoveToOuterDisposeScope(), text.MoveToOuterDisposeScope());
    }
}
