using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Jano.Train.Model.Flux;

/// <summary>diffusers RMSNorm with a learned weight (FLUX's qk-norm over each head): x·rsqrt(mean(x²)+eps)·weight.</summary>
public sealed class RmsNorm : nn.Module
{
#pragma warning disable IDE1006 // checkpoint key name
    private readonly Parameter weight;
#pragma warning restore IDE1006

    public RmsNorm(int dim) : base(nameof(RmsNorm))
    {
        weight = new Parameter(ones(dim));
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public Tensor Forward(Tensor x)
    {
        using var variance = x.pow(2).mean([-1], keepdim: true);
        using var inv = rsqrt(variance + FluxConfig.NormEps);
        using var normed = x * inv;
        return normed * weight;
    }
}
