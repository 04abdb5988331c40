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

    /// <summary>One weight set over the concatenated [text; image] rows (FLUX single-stream).</summary>
    public const string Single = "single";

    public static readonly IReadOnlyList<string> All = [Cross, Joint, JointLast, Single];

    /// <summary>The kinds this runtime has a block program for.</summary>
    public static readonly IReadOnlyList<string> Supported = [Cross, Joint, JointLast];
}
