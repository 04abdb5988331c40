using System.Runtime.CompilerServices;
using Jano.Runtime.Engine;

namespace Jano.Runtime.Conditioning;

/// <summary>
/// A text encoder's conditioning as the token engine takes it: the states of the real tokens only.
/// Padded encoders (T5 pads to the pipeline's length) put the real tokens first; dropping the padding
/// rows is the same attention as diffusers' masking them. The slice is made once per conditioning, so
/// the engine's per-prompt caching by reference keeps working.
/// </summary>
public static class CaptionInputs
{
    private static readonly ConditionalWeakTable<TextConditioning, CaptionInput> Slices = new();

    public static CaptionInput ToCaption(this TextConditioning conditioning) => Slices.GetValue(conditioning, Slice);

    private static CaptionInput Slice(TextConditioning c)
    {
        var real = c.RealTokens;
        for (var i = 0; i < c.Mask.Length; i++)
            if (c.Mask[i] != i < real)
                throw new ArgumentException("the text encoder's mask is not its real tokens followed by padding");
        if (real == 0) throw new ArgumentException("the text encoder returned no real token (even an empty prompt has its end token)");
        var states = real == c.TokenCount ? c.States : c.States.AsSpan(0, real * c.HiddenSize).ToArray();
        return new CaptionInput(states, real, c.Pooled);
    }
}
