using Jano.Core.Acceleration;
using Jano.Runtime.Scheduling;

namespace Jano.Tests.Runtime.Scheduling;

public sealed class JanoScheduleTests
{
    [Test]
    public void ReferenceImagePresetOverFiftySteps()
    {
        var o = JanoPresets.For(32, 32)[JanoPresets.Reference];
        // Hand-written: 7 warm-up, a refresh every 12 steps after warm-up, medium every 4, 2 cool-down.
        const string expected = "FFFFFFF" + "F" + "AAAMAAAMAAA" + "F" + "AAAMAAAMAAA" + "F" + "AAAMAAAMAAA" + "F" + "AAAM" + "FF";
        Assert.That(JanoSchedule.Describe(JanoSchedule.Levels(50, o)), Is.EqualTo(expected));
    }

    [Test]
    public void Sd3PresetOverTwentyEightSteps()
    {
        var o = JanoPresets.For(32, 32)[JanoPresets.Sd3];
        const string expected = "FFFFF" + "F" + "AAAMAAA" + "F" + "AAAMAAA" + "F" + "AAAM" + "FF";
        Assert.That(JanoSchedule.Describe(JanoSchedule.Levels(28, o)), Is.EqualTo(expected));
    }

    [Test]
    public void ReferencePresetBlocksGiveASixteenBySixteenGrid()
    {
        Assert.That(JanoPresets.For(32, 32)[JanoPresets.Reference].BlockHeight, Is.EqualTo(2));
        Assert.That(JanoPresets.For(128, 128)[JanoPresets.Reference].BlockWidth, Is.EqualTo(8));
    }

    /// <summary>SD3's preset keeps the reference's (1, 8, 8) blocks at 1024² (128 latent pixels), a 16×16 grid at other sizes, and at least 2×2 pixels per block on small latents.</summary>
    [TestCase(128, 128, 8, 8)]
    [TestCase(64, 96, 4, 6)]
    [TestCase(8, 12, 2, 2)]
    [TestCase(4, 40, 2, 2)]
    public void Sd3PresetBlocksFollowTheLatentSizeWithAtLeastTwoPixels(int height, int width, int blockHeight, int blockWidth)
    {
        var o = JanoPresets.For(height, width)[JanoPresets.Sd3];
        Assert.That((o.BlockHeight, o.BlockWidth), Is.EqualTo((blockHeight, blockWidth)));
        Assert.DoesNotThrow(() => o.Validate(28, height, width), "the preset runs at 28 steps on that latent");
    }

    [TestCase(7, 3, 10, "warmup + cooldown")]
    [TestCase(1, 0, 10, "warmup")]
    public void StepCountsThatLeaveNothingToAccelerateAreRejected(int warmup, int cooldown, int steps, string option)
    {
        var e = Assert.Throws<ArgumentException>(() => new JanoOptions { Warmup = warmup, Cooldown = cooldown }.Validate(steps, 32, 32))!;
        Assert.That(e.Message, Does.Contain(option));
    }

    [Test]
    public void InvalidOptionsNameTheOption()
    {
        var ok = new JanoOptions();
        Assert.That(Assert.Throws<ArgumentException>(() => (ok with { StaticThreshold = 0.5, MediumThreshold = 0.4 }).Validate(50, 32, 2))!.Message, Does.Contain("out of order"));
        Assert.That(Assert.Throws<ArgumentException>(() => (ok with { BlockHeight = 64 }).Validate(50, 32, 2))!.Message, Does.Contain("larger than"));
        Assert.That(Assert.Throws<ArgumentException>(() => (ok with { StaticInterval = 0 }).Validate(50, 32, 2))!.Message, Does.Contain("static-interval"));
        Assert.That(Assert.Throws<ArgumentException>(() => (ok with { MediumInterval = 0 }).Validate(50, 32, 2))!.Message, Does.Contain("medium-interval"));
        Assert.That(Assert.Throws<ArgumentException>(() => (ok with { DDistance = 0 }).Validate(50, 32, 2))!.Message, Does.Contain("d-distance"));
        Assert.DoesNotThrow(() => ok.Validate(50, 32, 2));
    }

    [Test]
    public void MaskOrdersActiveThenMediumThenStaticAndPrefixesMatchLevels()
    {
        TokenLevel[] levels = [TokenLevel.Static, TokenLevel.Active, TokenLevel.Medium, TokenLevel.Active, TokenLevel.Static, TokenLevel.Medium];
        var mask = new TokenMask(levels);
        Assert.That(mask.Order, Is.EqualTo(new[] { 1, 3, 2, 5, 0, 4 }));
        Assert.That(mask.TokensFor(StepLevel.Active), Is.EqualTo(2));
        Assert.That(mask.TokensFor(StepLevel.Medium), Is.EqualTo(4));
        Assert.That(mask.TokensFor(StepLevel.Full), Is.EqualTo(6));
    }

    [Test]
    public void BlockScoresExpandToTokensByThresholds()
    {
        var o = new JanoOptions { StaticThreshold = 0.2, MediumThreshold = 0.4 };
        // 2×2 blocks of 4×4 pixels over an 8×8 image with patch 2: each block covers 2×2 tokens.
        float[] scores = [0.1f, 0.3f, 0.9f, 0.2f];
        var mask = TokenMask.FromBlockScores(scores, 2, 2, 4, 4, gridRows: 4, gridColumns: 4, patch: 2, o);
        Assert.That(mask.Levels[0], Is.EqualTo(TokenLevel.Static));     // block (0,0)
        Assert.That(mask.Levels[3], Is.EqualTo(TokenLevel.Medium));     // block (0,1)
        Assert.That(mask.Levels[2 * 4 + 1], Is.EqualTo(TokenLevel.Active)); // block (1,0)
        Assert.That(mask.Levels[15], Is.EqualTo(TokenLevel.Static));    // 0.2 ≤ static threshold
        // Blocks smaller than a patch: a token takes the most active block among its pixels.
        float[] fine = new float[16];
        fine[5] = 1f; // pixel block (1,1) of a 4×4 grid of 1-pixel blocks
        var fineMask = TokenMask.FromBlockScores(fine, 4, 4, 1, 1, gridRows: 2, gridColumns: 2, patch: 2, o);
        Assert.That(fineMask.Levels, Is.EqualTo(new[] { TokenLevel.Active, TokenLevel.Static, TokenLevel.Static, TokenLevel.Static }));
    }

    [Test]
    public void ForcedMaskHasTheRequestedFractions()
    {
        var mask = TokenMask.Forced(256, 0.25, 0.25, seed: 1);
        Assert.That((mask.ActiveCount, mask.MediumCount, mask.StaticCount), Is.EqualTo((64, 64, 128)));
        Assert.That(mask.Order.Order(), Is.EqualTo(Enumerable.Range(0, 256)));
    }
}
