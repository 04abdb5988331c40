using Jano.Core.Acceleration;
using System.Globalization;

namespace Jano.Runtime.Scheduling;

/// <summary>
/// The parameters the analyzer uses (docs/ARCHITECTURE.md, "The Jano algorithm"; names as in
/// JanoOptions).
/// </summary>
/// <param name="BlockFrames">bt, block size along frames, in latent frames.</param>
/// <param name="BlockHeight">bh, block size along rows, in latent pixels.</param>
/// <param name="BlockWidth">bw, block size along columns, in latent pixels.</param>
/// <param name="TWeight">Weight of temporal against spatial dynamics, in [0, 1] (0 for images).</param>
/// <param name="DStrength">Inward diffusion strength, ≥ 0 (0 turns diffusion off).</param>
/// <param name="DDistance">Inward diffusion reach in blocks, ≥ 0 (0 turns diffusion off).</param>
public sealed record JanoAnalyzerOptions(
    int BlockFrames, int BlockHeight, int BlockWidth, double TWeight = 0, double DStrength = 0.8, double DDistance = 2)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        var inv = CultureInfo.InvariantCulture;
        if (BlockFrames < 1 || BlockHeight < 1 || BlockWidth < 1)
            throw new ArgumentException(
                $"Block sizes must be at least 1; got {BlockFrames}×{BlockHeight}×{BlockWidth}.", "block");
        if (!double.IsFinite(TWeight) || TWeight < 0 || TWeight > 1)
            throw new ArgumentException(string.Create(inv, $"TWeight must be in [0, 1]; got {TWeight}."), nameof(TWeight));
        if (!double.IsFinite(DStrength) || DStrength < 0)
            throw new ArgumentException(string.Create(inv, $"DStrength must be finite and ≥ 0; got {DStrength}."), nameof(DStrength));
        if (!double.IsFinite(DDistance) || DDistance < 0)
            throw new ArgumentException(string.Create(inv, $"DDistance must be finite and ≥ 0; got {DDistance}."), nameof(DDistance));
    }
}
