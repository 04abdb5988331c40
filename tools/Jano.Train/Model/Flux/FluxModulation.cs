using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Jano.Train.Model.Flux;

/// <summary>
/// The learned half of diffusers' AdaLayerNormZero (6 chunks), AdaLayerNormZeroSingle (3) and
/// AdaLayerNormContinuous (2): linear(SiLU(temb)) split into <c>chunks</c> vectors of [B, 1, D]. The
/// LayerNorm itself has no parameters (elementwise_affine false) and is <see cref="Norm"/>.
/// </summary>
public sealed class FluxModulation : nn.Module
{
#pragma warning disable IDE1006
    private readonly Linear linear;
#pragma warning restore IDE1006
    private readonly int _chunks;

    public FluxModulation(int dim, int chunks) : base(nameof(FluxModulation))
    {
        _chunks = chunks;
        linear = Linear(dim, chunks * dim);
        RegisterComponents();
    }

    public Linear Linear => linear;

    public Tensor[] Forward(Tensor temb)
    {
        using var act = functional.silu(temb);
        using var emb = linear.forward(act);
        using var wide = emb.unsqueeze(1);
        return wide.chunk(_chunks, dim: 2);
    }

    /// <summary>LayerNorm without affine parameters, eps 1e-6, then x·(1+scale)+shift.</summary>
    public static Tensor Norm(Tensor x, Tensor scale, Tensor shift)
    {
        using var n = functional.layer_norm(x, [x.shape[^1]], null, null, FluxConfig.NormEps);
        using var scaled = n * (1 + scale);
        return scaled + shift;
    }
}
