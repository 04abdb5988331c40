using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Jano.Train.Model.Flux;

/// <summary>
/// diffusers FluxTransformer2DModel with parameter names equal to its checkpoint keys, so that
/// state_dict() is the export. <see cref="Forward"/> is diffusers' forward on packed tokens:
/// x_embedder, context_embedder, time_text_embed → double-stream blocks → [caption; image] through the
/// single-stream blocks → image part → norm_out (scale, shift from temb) → proj_out. RoPE ids are
/// (0, row, col) for image tokens and zero for caption tokens.
/// One addition diffusers lacks: an optional caption key mask, so that a training batch padded to its
/// longest caption computes what each caption alone would (padded keys get −10000, as the PixArt path).
/// </summary>
public sealed class FluxTransformer : FlowModel
{
#pragma warning disable IDE1006
    private readonly Linear x_embedder, context_embedder, proj_out;
    private readonly FluxTimeTextEmbed time_text_embed;
    private readonly ModuleList<FluxDoubleBlock> transformer_blocks;
    private readonly ModuleList<FluxSingleBlock> single_transformer_blocks;
    private readonly FluxModulation norm_out;
#pragma warning restore IDE1006
    // Not registered (a Dictionary is not a module field): recomputed from the config, like diffusers.
    private readonly Dictionary<(int Text, int H, int W), (Tensor Cos, Tensor Sin)> _rope = [];

    public FluxTransformer(FluxConfig config) : base(nameof(FluxTransformer))
    {
        config.Validate();
        Config = config;
        int d = config.Dim;
        x_embedder = Linear(config.PackedChannels, d);
        context_embedder = Linear(config.JointAttentionDim, d);
        time_text_embed = new FluxTimeTextEmbed(d, config.PooledProjectionDim, config.GuidanceEmbeds);
        transformer_blocks = ModuleList(Enumerable.Range(0, config.NumLayers).Select(_ => new FluxDoubleBlock(d, config.NumHeads)).ToArray());
        single_transformer_blocks = ModuleList(Enumerable.Range(0, config.NumSingleLayers).Select(_ => new FluxSingleBlock(d, config.NumHeads)).ToArray());
        norm_out = new FluxModulation(d, 2);
        proj_out = Linear(d, config.PackedChannels);
        RegisterComponents();
    }

    public FluxConfig Config { get; }

    public override int ImageChannels => Config.ImageChannels;
    public override int ImageSize => Config.ImageSize;
    public override string ToDiffusersJson() => Config.ToDiffusersJson();
    public override void InitializeForTraining() => FluxInitializer.Apply(this);

    internal IEnumerable<Linear> Embedders => [x_embedder, context_embedder];
    internal FluxTimeTextEmbed TimeTextEmbed => time_text_embed;
    internal IEnumerable<FluxDoubleBlock> DoubleBlocks => transformer_blocks;
    internal IEnumerable<FluxSingleBlock> SingleBlocks => single_transformer_blocks;
    internal FluxModulation NormOut => norm_out;
    internal Linear ProjOut => proj_out;

    /// <summary>
    /// Velocity for images [B, C, S, S]: packed 2×2 (FluxPipeline._pack_latents), caption states as
    /// encoder_hidden_states (zero-padded to TextRows, unmasked, when the config fixes them), their mean
    /// as pooled_projections (<see cref="Pooled"/>), timestep σ, no guidance.
    /// </summary>
    public override Tensor Velocity(Tensor x, Tensor sigma, Tensor caption, Tensor? captionMask)
    {
        using var scope = NewDisposeScope();
        int h = (int)x.shape[2], w = (int)x.shape[3];
        var packed = FluxPacking.Pack(x);
        var pooled = Pooled(caption, captionMask);
        // Fixed caption rows (TextRows): zero states after the real tokens and no key mask, as FLUX
        // attends to its T5 padding; the pooled vector stays the mean of the real tokens.
        if (Config.TextRows > 0)
        {
            long m = caption.shape[1];
            if (m > Config.TextRows) throw new ArgumentException($"a caption of {m} tokens exceeds the model's {Config.TextRows} text rows");
            if (captionMask is not null) caption = caption * captionMask.unsqueeze(2);
            caption = functional.pad(caption, [0, 0, 0, Config.TextRows - m]);
            captionMask = null;
        }
        var output = Forward(packed, caption, pooled, sigma, null, h / 2, w / 2, captionMask);
        return FluxPacking.Unpack(output, (int)x.shape[1], h, w).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The pooled_projections of a caption: the plain mean of its MiniLM token states over its real
    /// tokens ([CLS] and [SEP] included, no normalisation), i.e. Jano.Runtime's TextEncoder.MeanPooled.
    /// </summary>
    public static Tensor Pooled(Tensor caption, Tensor? captionMask)
    {
        if (captionMask is null) return caption.mean([1]);
        using var scope = NewDisposeScope();
        var sum = (caption * captionMask.unsqueeze(2)).sum(1);
        return (sum / captionMask.sum(1, keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <param name="hidden">packed image tokens [B, gridH·gridW, in_channels], row-major</param>
    /// <param name="text">encoder_hidden_states [B, M, joint_attention_dim]</param>
    /// <param name="pooled">pooled_projections [B, pooled_projection_dim]</param>
    /// <param name="timestep">[B], σ in [0, 1]</param>
    /// <param name="guidance">[B] guidance scale, only with guidance_embeds</param>
    /// <param name="textMask">[B, M] 1 = real caption token, or null (all real)</param>
    /// <returns>[B, gridH·gridW, out_channels]</returns>
    public Tensor Forward(Tensor hidden, Tensor text, Tensor pooled, Tensor timestep, Tensor? guidance,
        int gridH, int gridW, Tensor? textMask = null)
    {
        using var scope = NewDisposeScope();
        long b = hidden.shape[0], m = text.shape[1], n = hidden.shape[1];
        if (n != (long)gridH * gridW) throw new ArgumentException($"{n} image tokens but a {gridH}×{gridW} grid");
        var image = x_embedder.forward(hidden);
        var temb = time_text_embed.Forward(timestep, guidance, pooled);
        var context = context_embedder.forward(text);
        var rope = Rope((int)m, gridH, gridW);
        Tensor? keyBias = textMask is null ? null
            : cat([(1 - textMask) * -10000.0f, zeros(b, n)], dim: 1).view(b, 1, 1, -1);

        foreach (var block in transformer_blocks)
            (image, context) = block.Forward(image, context, temb, rope, keyBias);
        var joint = cat([context, image], dim: 1);
        foreach (var block in single_transformer_blocks)
            joint = block.Forward(joint, temb, rope, keyBias);
        image = joint[.., (int)m..];

        var ss = norm_out.Forward(temb); // AdaLayerNormContinuous: scale first, then shift
        var output = proj_out.forward(FluxModulation.Norm(image, ss[0], ss[1]));
        return output.MoveToOuterDisposeScope();
    }

    private (Tensor Cos, Tensor Sin) Rope(int text, int h, int w)
    {
        if (!_rope.TryGetValue((text, h, w), out var tables))
        {
            tables = FluxRope.Tables(FluxRope.Ids(text, h, w), Config.AxesDimsRope);
            tables.Cos.DetachFromDisposeScope();
            tables.Sin.DetachFromDisposeScope();
            _rope[(text, h, w)] = tables;
        }
        return tables;
    }
}
