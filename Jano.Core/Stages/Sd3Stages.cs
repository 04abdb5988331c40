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
    /// <summary>Image rows of hidden (from row L) + temb → patch outputs [B, n, p·p·C_out].</summary>
    public static readonly StageSignature Final = new(StageRoles.Final, [N.Hidden, N.Temb], [N.PatchOut]);
    public static readonly StageSignature Model = new(StageRoles.Model, [N.Sample, N.Timestep, N.TextStates, N.Pooled], [N.Out]);

    /// <summary>The per-token table the embedding adds: the centre crop of the position table.</summary>
    public const string PositionsTable = "positions";
}
