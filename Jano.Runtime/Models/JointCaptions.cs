using Jano.Runtime.Devices;
using Jano.Runtime.Engine;

namespace Jano.Runtime.Models;

/// <summary>
/// The caption buffers of a joint-attention family (SD3, FLUX): the branches' prefix rows [B, L, D] from
/// the context graph, their pooled text [B, P], and the batch's temb [B, D] the per-batch cond run writes.
/// </summary>
internal sealed class JointCaptions(StepBuffer prefix, StepBuffer pooled, StepBuffer temb, int tokens) : CaptionBuffers
{
    public StepBuffer Prefix { get; } = prefix;
    public StepBuffer Pooled { get; } = pooled;
    public StepBuffer Temb { get; } = temb;
    public override int Tokens { get; } = tokens;
    protected override IEnumerable<StepBuffer> Buffers => [Prefix, Pooled, Temb];
}
