using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Jano.Train.Model;

/// <summary>
/// diffusers PixArtTransformer2DModel (ada_norm_single, no size conditioning), with parameter names equal
/// to the diffusers checkpoint keys so that state_dict() is the export. Forward:
/// patchify + positions → blocks (timestep modulation, caption cross-attention) → final modulated norm
/// with embedded_t (not the 6D modulation) → proj_out → unpatchify.
/// </summary>
public sealed class PixArtTransformer : FlowModel
{
#pragma warning disable IDE1006
    private readonly PatchEmbed pos_embed;
    private readonly AdaLayerNormSingle adaln_single;
    private readonly CaptionProjection caption_projection;
    private readonly ModuleList<PixArtBlock> transformer_blocks;
    private readonly Parameter scale_shift_table;
    private readonly Linear proj_out;
#pragma warning restore IDE1006

    public PixArtTransformer(PixArtConfig config) : base(nameof(PixArtTransformer))
    {
        Config = config;
        int d = config.Dim;
        pos_embed = new PatchEmbed(config);
        adaln_single = new AdaLayerNormSingle(d);
        caption_projection = new CaptionProjection(config.CaptionChannels, d);
        transformer_blocks = ModuleList(Enumerable.Range(0, config.NumLayers).Select(_ => new PixArtBlock(d, config.NumHeads)).ToArray());
        scale_shift_table = new Parameter(randn(2, d) / Math.Sqrt(d));
        proj_out = Linear(d, config.PatchSize * config.PatchSize * config.OutChannels);
        RegisterComponents();
    }

    public PixArtConfig Config { get; }

    public override int ImageChannels => Config.InChannels;
    public override int ImageSize => Config.SampleSize;
    public override string ToDiffusersJson() => Config.ToDiffusersJson();
    public override void InitializeForTraining() => Initializer.Apply(this);

    /// <summary>PixArt sees timestep 1000·σ.</summary>
    public override Tensor Velocity(Tensor x, Tensor sigma, Tensor caption, Tensor? captionMask)
    {
        using var t = sigma * Training.RectifiedFlow.TimestepScale;
        return Forward(x, t, caption, captionMask);
    }

    internal PatchEmbed PosEmbed => pos_embed;
    internal AdaLayerNormSingle AdaLnSingle => adaln_single;
    internal CaptionProjection CaptionProj => caption_projection;
    internal IEnumerable<PixArtBlock> Blocks => transformer_blocks;
    internal Linear ProjOut => proj_out;

    /// <param name="x">[B, C, S, S]</param>
    /// <param name="timestep">[B], in [0, 1000]</param>
    /// <param name="caption">MiniLM states [B, M, 384]</param>
    /// <param name="captionMask">[B, M], 1 for real tokens and 0 for padding; null when there is none</param>
    public Tensor Forward(Tensor x, Tensor timestep, Tensor caption, Tensor? captionMask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0];
        int d = Config.Dim, g = Config.Grid, p = Config.PatchSize, c = Config.OutChannels;

        var h = pos_embed.Forward(x);
        var (modulation, embedded) = adaln_single.Forward(timestep);
        var mod6 = modulation.view(b, 6, d);
        var context = caption_projection.forward(caption);
        // diffusers: (1 − mask)·−10000 added to the scores of every query.
        Tensor? keyBias = captionMask is null ? null : ((1 - captionMask) * -10000.0f).view(b, 1, 1, -1);

        foreach (var block in transformer_blocks)
            h = block.Forward(h, mod6, context, keyBias);

        var ss = (scale_shift_table.unsqueeze(0) + embedded.unsqueeze(1)).chunk(2, dim: 1);
        var n = functional.layer_norm(h, [d], null, null, PixArtConfig.NormEps) * (1 + ss[1]) + ss[0];
        var patches = proj_out.forward(n); // [B, G·G, p·p·C]
        // (B, G, G, p, p, C) → (B, C, G, p, G, p), diffusers' einsum "nhwpqc->nchpwq".
        var image = patches.reshape(b, g, g, p, p, c).permute(0, 5, 1, 3, 2, 4).reshape(b, c, g * p, g * p);
        return image.MoveToOuterDisposeScope();
    }
}
