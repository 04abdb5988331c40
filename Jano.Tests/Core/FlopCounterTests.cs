using Jano.Core.Geometry;
using Jano.Core.Packages;
using Jano.Core.Stages;

namespace Jano.Tests.Core;

/// <summary>
/// FLOP counts per block kind against hand counts for tiny dims: D = 4 (2 heads × 2), MLP 16, a 4 × 4
/// grid of 2 × 2 single-channel patches (N = 16, patch width 4), L = 3 prefix (text) rows, caption
/// width 10, pooled width 6, a step computing n = 5 image tokens. Every expected number is written
/// out product by product (2 FLOPs per multiply-add), independently of the counter's code.
/// </summary>
[TestFixture]
public sealed class FlopCounterTests
{
    private static FlopShape Shape(string[] kinds, int prefixRows, int captionTokens = 3, int pooled = 0, bool micro = false) => new()
    {
        Dims = new ModelDims { HiddenSize = 4, Depth = kinds.Length, Heads = 2, HeadDim = 2, MlpHidden = 16, CaptionChannels = 10 },
        Geometry = new LatentGeometry { Channels = 1, OutChannels = 1, Height = 8, Width = 8, PatchSize = 2, PrefixRows = prefixRows },
        BlockKinds = kinds,
        CaptionTokens = captionTokens,
        PooledWidth = pooled,
        MicroConditions = micro,
    };

    private static readonly FlopShape Sd3 = Shape([BlockKind.Joint, BlockKind.JointLast], prefixRows: 3, pooled: 6);

    // Joint block, n = 5 image rows, L = 3 text rows, 3 + 16 keys.
    private const double JointAt5 =
        2 * 5 * 4 * 12        // image q, k, v: 480
        + 2 * 3 * 4 * 12      // text q, k, v: 288
        + 2 * 2 * 8 * 19 * 4  // attention, 3 + 5 queries × 3 + 16 keys: 2432
        + 2 * 5 * 4 * 4       // image out: 160
        + 2 * 2 * 5 * 4 * 16  // image MLP: 1280
        + 2 * 3 * 4 * 4       // text out: 96
        + 2 * 2 * 3 * 4 * 16  // text MLP: 768
        + 2 * 4 * (24 + 24)   // pre modulation, image and context 6D: 384
        + 2 * 4 * (24 + 24);  // post modulation: 384

    // Last (context_pre_only) block: text rows get q, k, v and attend (the engine computes their
    // queries) but have no out projection or MLP; the context modulation is 2D, in pre only.
    private const double JointLastAt5 =
        2 * 5 * 4 * 12 + 2 * 3 * 4 * 12 + 2 * 2 * 8 * 19 * 4 + 2 * 5 * 4 * 4 + 2 * 2 * 5 * 4 * 16
        + 2 * 4 * (24 + 8)    // pre modulation: image 6D, context 2D
        + 2 * 4 * 24;         // post modulation: image only

    // FLUX single-stream block, n = 5 image rows + L = 3 text rows, one weight set over all 8 rows.
    private const double SingleAt5 =
        2 * 4 * 12 * 2        // modulation (3D) in pre and in post: 192
        + 2 * 8 * 4 * 12      // q, k, v over 8 rows: 768
        + 2 * 2 * 8 * 19 * 4  // attention, 8 queries × 19 keys: 2432
        + 2 * 8 * 4 * 16      // proj_mlp: 1024
        + 2 * 8 * 20 * 4;     // proj_out over [attention; MLP] (4 + 16 → 4): 1280

    [Test]
    public void AFluxSingleBlockComputesEveryRowWithOneWeightSet()
    {
        Assert.That(SingleAt5, Is.EqualTo(5696));
        Assert.That(FlopCounter.Block(Sd3, BlockKind.Single, 5), Is.EqualTo(SingleAt5));
    }

    [Test]
    public void TheGuidanceEmbedderAddsATimestepEmbeddingToTheCond()
    {
        var flux = Shape([BlockKind.Joint, BlockKind.Single], prefixRows: 3, pooled: 6);
        var timestep = 2 * (256 * 4 + 4 * 4);
        Assert.That(FlopCounter.Cond(flux with { GuidanceEmbedding = true }) - FlopCounter.Cond(flux), Is.EqualTo(timestep));
    }

    [Test]
    public void AJointBlockCountsBothStreamsAndTheTextRowsEveryStep()
    {
        Assert.That(JointAt5, Is.EqualTo(6272));
        Assert.That(FlopCounter.Block(Sd3, BlockKind.Joint, 5), Is.EqualTo(JointAt5));
    }

    [Test]
    public void TheLastJointBlockHasNoTextOutputWork()
    {
        Assert.That(JointLastAt5, Is.EqualTo(5088));
        Assert.That(FlopCounter.Block(Sd3, BlockKind.JointLast, 5), Is.EqualTo(JointLastAt5));
    }

    [Test]
    public void AJointDualBlockAddsAnImageOnlyAttentionOverTheComputedRows()
    {
        var expected =
            2 * 5 * 4 * 12 + 2 * 3 * 4 * 12 + 2 * 2 * 8 * 19 * 4 + 2 * 5 * 4 * 4 + 2 * 2 * 5 * 4 * 16 + 2 * 3 * 4 * 4 + 2 * 2 * 3 * 4 * 16
            + 2 * 4 * (36 + 24) + 2 * 4 * (36 + 24) // SD35AdaLayerNormZeroX: image modulation 9D, in pre and post
            + 2 * 5 * 4 * 12                          // attn2 q, k, v of the 5 computed image rows
            + 2 * 2 * 5 * 16 * 4                      // 5 queries × all 16 image keys (no text)
            + 2 * 5 * 4 * 4;                          // attn2 out
        Assert.That(expected, Is.EqualTo(8384));
        Assert.That(FlopCounter.Block(Sd3, BlockKind.JointDual, 5), Is.EqualTo(expected));
    }

    [Test]
    public void ALastJointDualBlockIsTheLastJointBlockPlusTheImageOnlyAttention()
    {
        var expected =
            2 * 5 * 4 * 12 + 2 * 3 * 4 * 12 + 2 * 2 * 8 * 19 * 4 + 2 * 5 * 4 * 4 + 2 * 2 * 5 * 4 * 16 // as the last joint block
            + 2 * 4 * (36 + 8)    // pre modulation: image 9D (SD35AdaLayerNormZeroX), context 2D
            + 2 * 4 * 36          // post modulation: image only
            + 2 * 5 * 4 * 12 + 2 * 2 * 5 * 16 * 4 + 2 * 5 * 4 * 4; // attn2: q, k, v, 5 × 16 image keys, out
        Assert.That(expected, Is.EqualTo(7200));
        Assert.That(FlopCounter.Block(Sd3, BlockKind.JointDualLast, 5), Is.EqualTo(expected));
    }

    [Test]
    public void AnSd3ForwardIsEmbedBlocksAndFinalOnTheImageRows()
    {
        var expected = 2 * 5 * 4 * 4 // patch embedding of the 5 image rows (the text rows come from the caption stage)
            + JointAt5 + JointLastAt5
            + 2 * 5 * 4 * 4          // proj_out
            + 2 * 4 * 8;             // norm_out modulation, 2D
        Assert.That(FlopCounter.Forward(Sd3, 5), Is.EqualTo(expected));
        Assert.That(FlopCounter.Cond(Sd3), Is.EqualTo(2 * (256 * 4 + 4 * 4) + 2 * (6 * 4 + 4 * 4)), "timestep 256 → D → D, pooled 6 → D → D");
        Assert.That(FlopCounter.Caption(Sd3), Is.EqualTo(2 * 3 * 10 * 4), "context embedder over the 3 text rows");
    }

    [Test]
    public void TheIdealSpeedUpCountsTheTextRowsCondAndCaptionOnBothSides()
    {
        // Dense at n = 16, by hand.
        var joint16 = 2 * 16 * 4 * 12 + 2 * 3 * 4 * 12 + 2 * 2 * 19 * 19 * 4 + 2 * 16 * 4 * 4 + 2 * 2 * 16 * 4 * 16
            + 2 * 3 * 4 * 4 + 2 * 2 * 3 * 4 * 16 + 2 * 4 * 48 + 2 * 4 * 48;
        var last16 = 2 * 16 * 4 * 12 + 2 * 3 * 4 * 12 + 2 * 2 * 19 * 19 * 4 + 2 * 16 * 4 * 4 + 2 * 2 * 16 * 4 * 16
            + 2 * 4 * 32 + 2 * 4 * 24;
        double forward16 = 2 * 16 * 4 * 4 + joint16 + last16 + 2 * 16 * 4 * 4 + 2 * 4 * 8;
        double forward5 = 2 * 5 * 4 * 4 + JointAt5 + JointLastAt5 + 2 * 5 * 4 * 4 + 2 * 4 * 8;
        double cond = 2 * (256 * 4 + 16) + 2 * (6 * 4 + 16), caption = 2 * 3 * 10 * 4;
        // Two branches; SD3's cond takes the pooled text, so it runs per branch; a step of n = 0 runs nothing.
        var jano = 2 * caption + (2 * cond + 2 * forward16) + (2 * cond + 2 * forward5);
        var dense = 2 * caption + 3 * (2 * cond + 2 * forward16);
        int[] steps = [16, 5, 0];
        Assert.That(FlopCounter.Generation(Sd3, steps, 2), Is.EqualTo(jano));
        Assert.That(FlopCounter.IdealSpeedup(Sd3, steps, 2), Is.EqualTo(dense / jano).Within(1e-12));
        var imageRowsOnly = 3 * forward16 / (forward16 + forward5);
        TestContext.Out.WriteLine($"tiny SD3: dense {dense} FLOPs, jano {jano}, ideal {dense / jano:F4}x (forward passes alone: {imageRowsOnly:F4}x)");
        Assert.That(dense / jano, Is.LessThan(imageRowsOnly), "the cond and caption work does not shrink");
    }

    [Test]
    public void ACrossBlockKeepsThePixArtCountAndItsCaptionStageIsCountedOncePerPrompt()
    {
        var pixart = Shape([BlockKind.Cross, BlockKind.Cross], prefixRows: 0, micro: true);
        var block = 2 * 5 * 4 * 12 // fused QKV
            + 2 * 2 * 5 * 16 * 4   // self-attention, 5 queries × 16 keys
            + 2 * 5 * 4 * 4        // self out
            + 2 * 5 * 4 * 4        // cross q
            + 2 * 2 * 5 * 3 * 4    // cross-attention over 3 caption tokens
            + 2 * 5 * 4 * 4        // cross out
            + 2 * 2 * 5 * 4 * 16;  // MLP
        Assert.That(block, Is.EqualTo(3760));
        Assert.That(FlopCounter.Block(pixart, BlockKind.Cross, 5), Is.EqualTo(block));
        Assert.That(FlopCounter.Forward(pixart, 5), Is.EqualTo(2 * 5 * 4 * 4 + 2 * block + 2 * 5 * 4 * 4), "embed, blocks, proj_out (no product in PixArt's final modulation)");
        Assert.That(FlopCounter.Cond(pixart), Is.EqualTo(2 * (256 * 4 + 16) + 2 * 4 * 24 + 3 * 2 * (256 * 1 + 1)),
            "timestep embedder, t_block, resolution and aspect-ratio embedders of width D / 3 = 1");
        Assert.That(FlopCounter.Caption(pixart), Is.EqualTo(2 * 3 * (10 * 4 + 16) + 2 * 2 * 2 * 3 * 16), "caption projection, K and V of 2 layers");
        // PixArt's cond takes the timestep only: once per step for both branches.
        double cond = FlopCounter.Cond(pixart), caption = FlopCounter.Caption(pixart);
        Assert.That(FlopCounter.Generation(pixart, [16, 5], 2),
            Is.EqualTo(2 * caption + 2 * cond + 2 * FlopCounter.Forward(pixart, 16) + 2 * FlopCounter.Forward(pixart, 5)));
    }

    [Test]
    public void TheDefaultModelsForwardPassIsCountedAsBefore()
    {
        var manifest = ModelPackage.Open(Jano.Cli.DefaultModel.Locate()).Manifest;
        var shape = FlopShape.Of(manifest, captionTokens: 8);
        // The PixArt count this replaces: D = 128, MLP 512, 6 blocks, 256 tokens, patch 2 × 2 × 1 channel.
        const double n = 256, h = 128;
        const double block = 2 * n * h * 3 * h + 2 * 2 * n * n * h + 2 * n * h * h + 2 * n * h * h + 2 * 2 * n * 8 * h + 2 * n * h * h + 2 * 2 * n * h * 512;
        Assert.That(FlopCounter.Forward(shape, 256), Is.EqualTo(2 * n * 4 * h + 6 * block + 2 * n * h * 4));
    }

    [Test]
    public void AnUnknownKindIsRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => FlopCounter.Block(Sd3, "single-ish", 5))!;
        Assert.That(e.Message, Does.Contain("'single-ish'").And.Contain("joint-last"));
    }
}
