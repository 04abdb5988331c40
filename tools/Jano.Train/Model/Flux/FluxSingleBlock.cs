using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Jano.Train.Model.Flux;

/// <summary>
/// diffusers FluxSingleTransformerBlock: one stream over [caption; image]; adaLN-Zero (norm: shift,
/// scale, gate), then attention and an MLP branch in parallel from the same normalised input, joined by
/// proj_out over their concatenation [attention | GELU(tanh)(proj_mlp(x))], gated, added to the input.
/// </summary>
public sealed class FluxSingleBlock : nn.Module
{
#pragma warning disable IDE1006
    private readonly FluxModulation norm;
    private readonly Linear proj_mlp, proj_out;
    private readonly FluxSelfAttention attn;
#pragma warning restore IDE1006

    public FluxSingleBlock(int dim, int heads, int mlpRatio = 4) : base(nameof(FluxSingleBlock))
    {
        norm = new FluxModulation(dim, 3);
        proj_mlp = Linear(dim, mlpRatio * dim);
        proj_out = Linear(dim + mlpRatio * dim, dim);
        attn = new FluxSelfAttention(dim, heads);
        RegisterComponents();
    }

    public FluxModulation Modulation => norm;

    public Tensor Forward(Tensor x, Tensor temb, (Tensor Cos, Tensor Sin) rope, Tensor? keyBias)
    {
        using var scope = NewDisposeScope();
        var m = norm.Forward(temb); // shift, scale, gate
        var n = FluxModulation.Norm(x, m[1], m[0]);
        var mlp = functional.gelu(proj_mlp.forward(n), TorchSharp.Modules.GELU.Approximate.tanh);
        var a = attn.Forward(n, rope, keyBias);
        var joined = proj_out.forward(cat([a, mlp], dim: 2));
        return (x + m[2] * joined).MoveToOuterDisposeScope();
    }
}
