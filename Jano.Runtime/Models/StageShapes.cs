using Jano.Core.Packages;
using N = Jano.Core.Stages.StageRoles.Names;

namespace Jano.Runtime.Models;

/// <summary>
/// The rank and width (last dimension) every stage tensor must have for a package's manifest: a graph
/// with the right names but the wrong shape (exported for another model size, or swapped in by hand)
/// is refused at open, naming the tensor, instead of failing in ONNX Runtime at the first step. Symbolic
/// dimensions (batch, tokens) are not compared; the width, which the manifest fixes, is.
/// </summary>
public static class StageShapes
{
    /// <summary>One tensor's expected rank, last dimension (null: any) and what the last dimension is.</summary>
    public readonly record struct Expected(int Rank, int? Width, string Meaning);

    public static IReadOnlyDictionary<string, Expected> For(ModelManifest m)
    {
        var d = m.Dims;
        var g = m.Geometry;
        var hidden = new Expected(3, d.HiddenSize, "dims.hiddenSize");
        var shapes = new Dictionary<string, Expected>(StringComparer.Ordinal)
        {
            [N.Patches] = new(3, g.PatchInputWidth, "patchSize² × channels"),
            [N.Positions] = new(2, d.HiddenSize, "dims.hiddenSize"),
            [N.Hidden] = hidden,
            [N.HiddenOut] = hidden,
            [N.Q] = hidden, [N.K] = hidden, [N.V] = hidden,
            [N.Q2] = hidden, [N.K2] = hidden, [N.V2] = hidden,
            [N.AttentionOut] = hidden, [N.Attention2Out] = hidden,
            [N.Query] = hidden, [N.Key] = hidden, [N.Value] = hidden, [N.Output] = hidden,
            [N.CrossK] = hidden, [N.CrossV] = hidden,
            [N.CrossBias] = new(2, null, ""),
            [N.TEmb] = new(2, d.HiddenSize, "dims.hiddenSize"),
            [N.Temb] = new(2, d.HiddenSize, "dims.hiddenSize"),
            [N.TextStates] = new(3, d.CaptionChannels, "dims.captionChannels"),
            [N.PatchOut] = new(3, g.PatchOutputWidth, "patchSize² × outChannels"),
            [N.Timestep] = new(1, null, ""),
            [N.Guidance] = new(1, null, ""),
            [N.Prefix] = hidden,
        };
        if (m.Transformer.Rope is { } rope)
            shapes[N.Rope] = new(2, rope.Width, "2 × dims.headDim (RoPE cos and sin)");
        if (d.PooledWidth > 0)
            shapes[N.Pooled] = new(2, d.PooledWidth, "dims.pooledWidth");
        if (d.ModulationSize > 0 && m.Family == Jano.Core.Stages.PixArtStages.Family)
            shapes[N.TMod] = new(2, d.ModulationSize, "dims.modulationSize");
        for (var i = 0; i < d.Depth; i++)
        {
            shapes[N.CrossKeyOf(i)] = hidden;
            shapes[N.CrossValueOf(i)] = hidden;
        }
        return shapes;
    }

    /// <summary>
    /// Why a graph tensor's dimensions (ONNX Runtime's metadata, −1 for a symbolic one) do not fit, or
    /// null when they do or the graph declares no shape.
    /// </summary>
    public static string? Problem(Expected expected, int[] dims)
    {
        if (dims.Length == 0) return null;
        var found = "[" + string.Join(", ", dims.Select(x => x < 0 ? "?" : x.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        var wanted = "[" + string.Join(", ", Enumerable.Repeat("?", expected.Rank - 1).Append(expected.Width?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?")) + "]";
        if (dims.Length != expected.Rank) return $"has dims {found}, expected rank {expected.Rank} {wanted}";
        if (expected.Width is { } width && dims[^1] > 0 && dims[^1] != width)
            return $"has dims {found}, expected {wanted} (last dimension: {expected.Meaning} = {width})";
        return null;
    }
}
