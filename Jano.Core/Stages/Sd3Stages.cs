using N = Jano.Core.Stages.StageRoles.Names;

namespace Jano.Core.Stages;

/// <summary>
/// The stage signatures of the SD3 family (MMDiT: joint blocks over [text; image] rows, conditioning
/// from the timestep and the pooled text vector). Our row layout puts the L text rows first (the
/// engine's prefix rows), whatever order diffusers concatenates in: attention does not depend on it.
/// </summary>
public static class Sd3Stages
{
    public const string Family = "sd3";

    /// <summary>Text states → the L prefix rows (context_embedder), once per prompt.</summary>
    public static readonly StageSignature Context = new(StageRoles.Context, [N.TextStates], [N.Prefix]);
    /// <summary>Timestep (shared) + pooled text [B, P] → SiLU(temb) [B, D], once per step and batch.</summary>
    public static readonly StageSignature Cond = new(StageRoles.Cond, [N.Timestep, N.Pooled], [N.Temb]);
    /// <summary>Patches, positions and the prefix rows → hidden [B, L + n, D] = [text rows; image rows].</summary>
    public static readonly StageSignature Embed = new(StageRoles.Embed, [N.Patches, N.Positions, N.Prefix], [N.Hidden]);
    /// <summary>Joint and joint-last pre: hidden [B, L + n, D] + temb → q (unscaled), k, v of every row.</summary>
    public static readonly StageSignature Pre = new(StageRoles.Pre, [N.Hidden, N.Temb], [N.Q, N.K, N.V]);
    public static readonly StageSignature Post = new(StageRoles.Post, [N.Hidden, N.AttentionOut, N.Temb], [N.HiddenOut]);
    /// <summary>
    /// Joint-dual (SD3.5's MMDiT-X) pre: as <see cref="Pre"/>, plus q2 (unscaled), k2, v2 [B, n, D] of the
    /// image rows for the second, image-only attention (attn2, from the second modulation of the same input).
    /// </summary>
    public static readonly StageSignature PreDual = new(StageRoles.Pre, [N.Hidden, N.Temb], [N.Q, N.K, N.V, N.Q2, N.K2, N.V2]);
    /// <summary>Joint-dual post: as <see cref="Post"/>, plus attn2's output [B, n, D] (image rows), gated into the image stream.</summary>
    public static readonly StageSignature PostDual = new(StageRoles.Post, [N.Hidden, N.AttentionOut, N.Attention2Out, N.Temb], [N.HiddenOut]);

    public static StageSignature PreFor(string kind) => BlockKind.HasImageAttention(kind) ? PreDual : Pre;
    public static StageSignature PostFor(string kind) => BlockKind.HasImageAttention(kind) ? PostDual : Post;

    /// <summary>The kind of SD3 block <paramref name="layer"/> of <paramref name="depth"/>: the last is context_pre_only.</summary>
    public static string KindOf(int layer, int depth, bool imageAttention) => (layer == depth - 1, imageAttention) switch
    {
        (false, false) => BlockKind.Joint,
        (true, false) => BlockKind.JointLast,
        (false, true) => BlockKind.JointDual,
        (true, true) => BlockKind.JointDualLast,
    };
    /// <summary>Image rows of hidden (from row L) + temb → patch outputs [B, n, p·p·C_out].</summary>
    public static readonly StageSignature Final = new(StageRoles.Final, [N.Hidden, N.Temb], [N.PatchOut]);
    public static readonly StageSignature Model = new(StageRoles.Model, [N.Sample, N.Timestep, N.TextStates, N.Pooled], [N.Out]);

    /// <summary>The per-token table the embedding adds: the centre crop of the position table.</summary>
    public const string PositionsTable = "positions";
}
