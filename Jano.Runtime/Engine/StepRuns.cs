using Jano.Runtime.Onnx;

namespace Jano.Runtime.Engine;

/// <summary>The bound runs of one step at one computed token count: embed, per block pre and post, final.</summary>
public sealed class StepRuns(BoundRun embed, BoundRun[] pre, BoundRun[] post, BoundRun final) : IDisposable
{
    public BoundRun Embed { get; } = embed;
    public BoundRun[] Pre { get; } = pre;
    public BoundRun[] Post { get; } = post;
    public BoundRun Final { get; } = final;

    /// <summary>
    /// A conditioning run of this batch, run right after the shared one from Attach: families whose
    /// modulation depends on the caption as well as the timestep (SD3's pooled text); null for PixArt.
    /// </summary>
    public BoundRun? Cond { get; init; }

    /// <summary>Per-layer MultiHeadAttention runs when attention goes through ONNX Runtime (bound by the engine); null for the kernel.</summary>
    public BoundRun[]? Attention { get; set; }

    /// <summary>
    /// Per-layer MultiHeadAttention runs of the image-only attention (n queries against the N image rows'
    /// second K/V), bound by the engine when attention goes through ONNX Runtime; null entries for blocks without it.
    /// </summary>
    public BoundRun?[]? Attention2 { get; set; }

    public void Dispose()
    {
        foreach (var r in Pre.Concat(Post).Append(Final).Append(Embed).Concat(Attention ?? []).Concat(Cond is null ? [] : [Cond])) r.Dispose();
        foreach (var r in Attention2 ?? []) r?.Dispose();
    }
}
