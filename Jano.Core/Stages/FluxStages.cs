using N = Jano.Core.Stages.StageRoles.Names;

namespace Jano.Core.Stages;

/// <summary>
/// The stage signatures of the FLUX family: double-stream blocks (kind joint) over [text; image] rows,
/// then single-stream blocks (kind single) over the same rows with one weight set; rotary position
/// embeddings on q and k inside every pre graph, from a per-token table gathered in scheduling order
/// like positions (so a step over a prefix rotates exactly its tokens and the K/V cache holds rotated
/// keys). Text rows have ids zero, i.e. the identity rotation, so the table covers the image rows only.
/// The conditioning takes the timestep, the pooled text and, with guidance_embeds, the guidance scale.
/// Latents are packed 2×2 as FluxPipeline does, which is a patch size of 2 over the unpacked latent: the
/// embed and final graphs hold x_embedder and proj_out with their channels reordered to our patch rows.
/// </summary>
public static class FluxStages
{
    public const string Family = "flux";

    /// <summary>Text states (T5, or the caption encoder) → the L prefix rows (context_embedder), once per prompt.</summary>
    public static readonly StageSignature Context = new(StageRoles.Context, [N.TextStates], [N.Prefix]);
    /// <summary>Timestep (shared) + pooled text [B, P] → SiLU(temb) [B, D], per step and batch (schnell-like: no guidance embedder).</summary>
    public static readonly StageSignature Cond = new(StageRoles.Cond, [N.Timestep, N.Pooled], [N.Temb]);
    /// <summary>As <see cref="Cond"/> with the embedded guidance scale (FLUX.1-dev, guidance_embeds true).</summary>
    public static readonly StageSignature CondGuided = new(StageRoles.Cond, [N.Timestep, N.Pooled, N.Guidance], [N.Temb]);
    /// <summary>Patches [B, n, 4C] and the prefix rows → hidden [B, L + n, D] (no positions: RoPE is applied in pre).</summary>
    public static readonly StageSignature Embed = new(StageRoles.Embed, [N.Patches, N.Prefix], [N.Hidden]);
    /// <summary>Double- and single-stream pre: hidden + temb + the image rows' RoPE rows → rotated q (unscaled), rotated k, v of every row.</summary>
    public static readonly StageSignature Pre = new(StageRoles.Pre, [N.Hidden, N.Temb, N.Rope], [N.Q, N.K, N.V]);
    /// <summary>Double-stream post (both streams' residuals and MLPs); single-stream post (parallel MLP, proj_out over [attention; MLP]).</summary>
    public static readonly StageSignature Post = new(StageRoles.Post, [N.Hidden, N.AttentionOut, N.Temb], [N.HiddenOut]);
    /// <summary>Image rows of hidden (from row L) + temb → packed outputs [B, n, 4·C_out] in our patch-row order.</summary>
    public static readonly StageSignature Final = new(StageRoles.Final, [N.Hidden, N.Temb], [N.PatchOut]);
    public static readonly StageSignature Model = new(StageRoles.Model, [N.Sample, N.Timestep, N.TextStates, N.Pooled], [N.Out]);
    public static readonly StageSignature ModelGuided = new(StageRoles.Model, [N.Sample, N.Timestep, N.TextStates, N.Pooled, N.Guidance], [N.Out]);

    public static StageSignature CondFor(bool guidanceEmbeds) => guidanceEmbeds ? CondGuided : Cond;
    public static StageSignature ModelFor(bool guidanceEmbeds) => guidanceEmbeds ? ModelGuided : Model;

    /// <summary>Block <paramref name="layer"/>: the num_layers double-stream blocks first, then the single-stream ones.</summary>
    public static string KindOf(int layer, int doubleLayers) => layer < doubleLayers ? BlockKind.Joint : BlockKind.Single;

    /// <summary>The per-token table the pre graphs read: cos and sin of each image token's rotation.</summary>
    public const string RopeTable = "rope";

    /// <summary>FLUX packs latents 2×2 into tokens: the patch size over the unpacked latent.</summary>
    public const int PackFactor = 2;
}
