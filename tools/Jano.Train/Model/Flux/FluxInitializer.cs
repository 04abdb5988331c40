using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Jano.Train.Model.Flux;

/// <summary>
/// Training init in the DiT/adaLN-Zero manner (the PixArt path's counterpart): xavier-uniform linears
/// with zero bias; timestep and pooled-caption MLPs N(0, 0.02); every modulation linear (norm1,
/// norm1_context, norm, norm_out) and proj_out zero, so every block starts as the identity (its gates
/// are zero) and the model starts by predicting zero velocity; qk RMSNorm weights one.
/// </summary>
public static class FluxInitializer
{
    public static void Apply(FluxTransformer model)
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
        var tte = model.TimeTextEmbed;
        foreach (var l in tte.TimestepEmbedder.Linears.Concat(tte.GuidanceEmbedder?.Linears ?? []).Concat(tte.TextEmbedder.Linears))
            init.normal_(l.weight, std: 0.02);

        var modulations = model.DoubleBlocks.SelectMany(b => b.Modulations)
            .Concat(model.SingleBlocks.Select(b => b.Modulation)).Append(model.NormOut);
        foreach (var mod in modulations)
        {
            init.zeros_(mod.Linear.weight);
            init.zeros_(mod.Linear.bias!);
        }
        init.zeros_(model.ProjOut.weight);
        init.zeros_(model.ProjOut.bias!);
    }

    /// <summary>
    /// For fixtures: every linear N(0, std) (none zero, unlike the training init, which would hide bugs);
    /// RMSNorm weights 1 + N(0, std), so that attention stays sharp enough for RoPE errors to show.
    /// </summary>
    public static void Randomize(FluxTransformer model, double std)
    {
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            init.normal_(p, std: std);
            if (name.Contains(".attn.norm_", StringComparison.Ordinal)) p.add_(1.0);
        }
    }
}
