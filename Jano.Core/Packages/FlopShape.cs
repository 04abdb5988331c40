using Jano.Core.Geometry;
using Jano.Core.Stages;

namespace Jano.Core.Packages;

/// <summary>
/// What <see cref="FlopCounter"/> needs to know about a transformer: its dims and geometry, each
/// block's kind (in order), and the parts of its conditioning the manifest does not size.
/// </summary>
public sealed record FlopShape
{
    public required ModelDims Dims { get; init; }
    public required LatentGeometry Geometry { get; init; }
    /// <summary>The kind of each block (<see cref="BlockKind"/>), in order.</summary>
    public required IReadOnlyList<string> BlockKinds { get; init; }
    /// <summary>Caption tokens cross-attention blocks attend to (the real tokens of the prompt, padded
    /// to one length over the branches). Joint blocks take the package's prefix rows instead.</summary>
    public int CaptionTokens { get; init; }
    /// <summary>Width of the pooled text vector the cond graph takes (SD3's CLIP text_embeds); 0: none.</summary>
    public int PooledWidth { get; init; }
    /// <summary>PixArt-α's resolution and aspect-ratio embeddings in the cond graph.</summary>
    public bool MicroConditions { get; init; }
    /// <summary>FLUX.1-dev's guidance embedder in the cond graph (a second timestep-style embedding).</summary>
    public bool GuidanceEmbedding { get; init; }

    /// <summary>The cond graph runs once per branch when it takes per-caption input (pooled text);
    /// otherwise once per step for every branch (the timestep is shared).</summary>
    public bool CondPerBranch => PooledWidth > 0;

    /// <summary>The package's blocks and dims; the caption length and pooled width come from the run.</summary>
    public static FlopShape Of(ModelManifest manifest, int captionTokens, int pooledWidth = 0) => new()
    {
        Dims = manifest.Dims,
        Geometry = manifest.Geometry,
        BlockKinds = manifest.Stages.Blocks.Select(b => b.Kind).ToList(),
        CaptionTokens = captionTokens,
        PooledWidth = pooledWidth,
        MicroConditions = manifest.Transformer.MicroConditions is not null,
        GuidanceEmbedding = manifest.Transformer.Guidance == TransformerComponent.EmbeddedGuidance,
    };

    /// <summary>The same transformer at another latent size (the token count follows the grid).</summary>
    public FlopShape At(LatentGeometry geometry) => this with { Geometry = geometry };
}
