namespace Jano.Core.Stages;

/// <summary>
/// What one transformer block computes between its pre and post graphs, and so which inputs they
/// take. Names as they appear in the manifest.
/// </summary>
public static class BlockKind
{
    /// <summary>Self-attention over image rows, cross-attention to per-prompt caption K/V (PixArt, Wan).</summary>
    public const string Cross = "cross";

    /// <summary>Two weight sets over [text; image] rows, one joint attention (SD3, FLUX double-stream).</summary>
    public const string Joint = "joint";

    /// <summary>A joint block whose text rows produce no output (SD3's context_pre_only last block).</summary>
    public const string JointLast = "joint-last";

    /// <summary>
    /// A joint block with a second, image-only self-attention: SD3.5's MMDiT-X. Its pre graph also
    /// gives q2, k2, v2 of the image rows; its post graph also takes that attention's output.
    /// </summary>
    public const string JointDual = "joint-dual";

    /// <summary>
    /// joint-dual as the context_pre_only last block: its text rows produce no output. diffusers builds
    /// it when dual_attention_layers names the last layer (SD3.5 checkpoints do not, but the config allows it).
    /// </summary>
    public const string JointDualLast = "joint-dual-last";

    /// <summary>One weight set over the concatenated [text; image] rows (FLUX single-stream).</summary>
    public const string Single = "single";

    public static readonly IReadOnlyList<string> All = [Cross, Joint, JointLast, JointDual, JointDualLast, Single];

    /// <summary>The kinds this runtime has a block program for.</summary>
    public static readonly IReadOnlyList<string> Supported = [Cross, Joint, JointLast, JointDual, JointDualLast, Single];

    /// <summary>
    /// Whether a block of this kind runs the second, image-only self-attention (n image queries against
    /// the N image rows' own K/V cache) between its pre and post graphs.
    /// </summary>
    public static bool HasImageAttention(string kind) => kind is JointDual or JointDualLast;
}
