using N = Jano.Core.Stages.StageRoles.Names;

namespace Jano.Core.Stages;

/// <summary>
/// The stage signatures of the PixArt family (adaLN-single modulation, cross-attention blocks): one
/// definition for the exporter that builds the graphs and the block program that runs them.
/// </summary>
public static class PixArtStages
{
    public const string Family = "pixart";

    public static readonly StageSignature Embed = new(StageRoles.Embed, [N.Patches, N.Positions], [N.Hidden]);
    public static readonly StageSignature Cond = new(StageRoles.Cond, [N.Timestep], [N.TMod, N.TEmb]);
    /// <summary>Cond of a model with micro-conditions (resolution and aspect-ratio embeddings).</summary>
    public static readonly StageSignature CondWithSizes = new(StageRoles.Cond, [N.Timestep, N.Resolution, N.AspectRatio], [N.TMod, N.TEmb]);
    public static readonly StageSignature Pre = new(StageRoles.Pre, [N.Hidden, N.TMod], [N.Q, N.K, N.V]);
    public static readonly StageSignature Post = new(StageRoles.Post, [N.Hidden, N.AttentionOut, N.TMod, N.CrossK, N.CrossV, N.CrossBias], [N.HiddenOut]);
    public static readonly StageSignature Final = new(StageRoles.Final, [N.Hidden, N.TEmb], [N.PatchOut]);
    public static readonly StageSignature Model = new(StageRoles.Model, [N.Sample, N.Timestep, N.TextStates], [N.Out]);
    public static readonly StageSignature ModelWithSizes = new(StageRoles.Model, [N.Sample, N.Timestep, N.TextStates, N.Resolution, N.AspectRatio], [N.Out]);

    public static StageSignature CondFor(bool sizes) => sizes ? CondWithSizes : Cond;
    public static StageSignature ModelFor(bool sizes) => sizes ? ModelWithSizes : Model;

    /// <summary>Caption states → per-layer cross-attention K/V.</summary>
    public static StageSignature Context(int depth) => new(StageRoles.Context, [N.TextStates],
        Enumerable.Range(0, depth).SelectMany(i => new[] { N.CrossKeyOf(i), N.CrossValueOf(i) }).ToArray());

    /// <summary>The per-token table the embedding adds: the fixed 2-D sine-cosine positions.</summary>
    public const string PositionsTable = "positions";
}
