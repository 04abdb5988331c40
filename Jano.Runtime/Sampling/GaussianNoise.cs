namespace Jano.Runtime.Sampling;

/// <summary>
/// Seeded standard-normal noise (Box–Muller over a SplitMix64 stream written here), so the same seed
/// gives the same starting latents on every machine and .NET version.
/// </summary>
public static class GaussianNoise
{
    public static void Fill(Span<float> destination, long seed)
    {
        var state = unchecked((ulong)seed);
        for (var i = 0; i < destination.Length; i += 2)
        {
            var u1 = (Next(ref state) >> 11) * (1.0 / (1UL << 53));
            var u2 = (Next(ref state) >> 11) * (1.0 / (1UL << 53));
            var r = Math.Sqrt(-2 * Math.Log(1 - u1));
            destination[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < destination.Length) destination[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
        }
    }

    private static ulong Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
