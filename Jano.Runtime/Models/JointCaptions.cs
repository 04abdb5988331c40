using Jano.Runtime.Devices;
using Jano.Runtime.Engine;
using Microsoft.ML.OnnxRuntime;
using N = Jano.Core.Stages.StageRoles.Names;

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

    /// <summary>
    /// Per branch: the L prefix rows from the context graph and the pooled vector; temb's buffer for the
    /// batch. Every caption must have exactly L rows of <paramref name="width"/> (the family pads its text
    /// to a fixed length: <paramref name="padding"/> says how, for the message) and a pooled vector.
    /// </summary>
    public static JointCaptions Encode(IStepDevice device, RunOptions runOptions, IReadOnlyList<CaptionInput> captions, InferenceSession context,
        int rows, int hidden, int width, int pooledWidth, string family, string padding)
    {
        int batch = captions.Count, l = rows;
        foreach (var c in captions)
        {
            if (c.Tokens != l)
                throw new ArgumentException($"a {family} caption has {c.Tokens} rows; this package takes exactly {l} ({padding})");
            if (c.States.Length != l * width)
                throw new ArgumentException($"text states have {c.States.Length} values, expected {l}×{width}");
            if (c.Pooled is null || c.Pooled.Length != pooledWidth)
                throw new ArgumentException($"{family} needs the pooled text vector of {pooledWidth} values per caption, found {c.Pooled?.Length.ToString() ?? "none"}");
        }
        var prefix = device.Allocate(batch * l, hidden);
        var pooled = device.Allocate(batch, pooledWidth);
        var temb = device.Allocate(batch, hidden);
        for (var b = 0; b < batch; b++)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(captions[b].States, [1, l, width]);
            using var results = context.Run(runOptions, [N.TextStates], [input], [N.Prefix]);
            device.Upload(results[0].GetTensorDataAsSpan<float>(), prefix, (long)b * l * hidden);
            device.Upload(captions[b].Pooled, pooled, (long)b * pooledWidth);
        }
        return new JointCaptions(prefix, pooled, temb, l);
    }
}
