using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Jano.Train.Model;

/// <summary>
/// DiT/PixArt initialisation: xavier-uniform linears with zero bias; patch conv as a linear over its
/// flattened kernel; timestep MLP, adaLN linear and caption projection N(0, 0.02); cross-attention output
/// and proj_out zero, so every block starts close to identity (plus self-attention/MLP through the
/// random gates) and the model starts by predicting zero velocity.
/// </summary>
public static class Initializer
{
    public static void Apply(PixArtTransformer model)
    {
        using var _ = no_grad();
        foreach (var module in model.modules())
        {
            if (module is TorchSharp.Modules.Linear linear)
            {
                init.xavier_uniform_(linear.weight);
                if (linear.bias is not null) init.zeros_(linear.bias);
            }
        }
        var conv = model.PosEmbed.Proj;
        init.xavier_uniform_(conv.weight.view(conv.weight.shape[0], -1));
        if (conv.bias is not null) init.zeros_(conv.bias);

        foreach (var l in model.AdaLnSingle.TimestepEmbedder.Linears) init.normal_(l.weight, std: 0.02);
        init.normal_(model.AdaLnSingle.Linear6.weight, std: 0.02);
        foreach (var l in model.CaptionProj.Linears) init.normal_(l.weight, std: 0.02);

        foreach (var block in model.Blocks)
        {
            init.zeros_(block.CrossAttention.OutProjection.weight);
            init.zeros_(block.CrossAttention.OutProjection.bias!);
        }
        init.zeros_(model.ProjOut.weight);
        init.zeros_(model.ProjOut.bias!);
    }

    /// <summary>Every parameter N(0, std): for fixtures, where zero-initialised layers would hide bugs.</summary>
    public static void Randomize(PixArtTransformer model, double std)
    {
        using var _ = no_grad();
        foreach (var (_, p) in model.named_parameters())
            init.normal_(p, std: std);
    }
}
