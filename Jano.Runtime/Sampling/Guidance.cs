namespace Jano.Runtime.Sampling;

/// <summary>Classifier-free guidance: uncond + scale·(cond − uncond), written into the destination span.</summary>
public static class Guidance
{
    public static void Combine(ReadOnlySpan<float> cond, ReadOnlySpan<float> uncond, float scale, Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
            destination[i] = uncond[i] + scale * (cond[i] - uncond[i]);
    }
}
