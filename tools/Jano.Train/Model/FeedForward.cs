using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Jano.Train.Model;

/// <summary>diffusers FeedForward with activation "gelu-approximate": net.0.proj (D→4D), GELU(tanh), net.2 (4D→D).</summary>
public sealed class FeedForward : nn.Module
{
#pragma warning disable IDE1006
    private readonly ModuleList<Module<Tensor, Tensor>> net;
#pragma warning restore IDE1006

    public FeedForward(int dim, int mult = 4) : base(nameof(FeedForward))
    {
        net = ModuleList<Module<Tensor, Tensor>>(new GeluProjection(dim, dim * mult), Dropout(0.0), Linear(dim * mult, dim));
        RegisterComponents();
    }

    public Tensor Forward(Tensor x)
    {
        using var hidden = net[0].forward(x);
        return net[2].forward(hidden);
    }

    /// <summary>diffusers' GELU module: a projection ("proj") followed by tanh-approximated GELU.</summary>
    private sealed class GeluProjection : Module<Tensor, Tensor>
    {
#pragma warning disable IDE1006
        private readonly Linear proj;
#pragma warning restore IDE1006

        public GeluProjection(int inDim, int outDim) : base(nameof(GeluProjection))
        {
            proj = Linear(inDim, outDim);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var y = proj.forward(x);
            return functional.gelu(y, TorchSharp.Modules.GELU.Approximate.tanh);
        }
    }
}
