using Jano.Export.Encoders.T5;

namespace Jano.Tests.Export.T5;

/// <summary>The exporter's relative-position buckets against independent statements of the rule.</summary>
public sealed class T5RelativePositionTests
{
    /// <summary>
    /// T5's published setting (32 buckets, max distance 128): per direction 8 exact buckets, then
    /// 8 + ⌊2·log2(n/8)⌋ = the largest k ≤ 7 with n² ≥ 64·2^k, in integers only: an oracle with no
    /// floating point, whose boundaries n = 16, 32, 64 are exactly where float rounding could err.
    /// </summary>
    [Test]
    public void T5SettingMatchesTheIntegerForm()
    {
        for (var r = -300; r <= 300; r++)
        {
            var n = Math.Abs(r);
            int expected;
            if (n < 8) expected = n;
            else
            {
                var k = 0;
                while (k < 7 && (long)n * n >= 64L << (k + 1)) k++;
                expected = 8 + k;
            }
            if (r > 0) expected += 16;
            Assert.That(T5RelativePosition.Bucket(r, 32, 128), Is.EqualTo(expected), $"relative position {r}");
        }
    }

    [TestCase(32, 20)]
    [TestCase(32, 128)]
    [TestCase(64, 256)]
    [TestCase(8, 5)]
    public void MatchesTheDoubleFormulaAndSaturatesBeyondMaxDistance(int buckets, int maxDistance)
    {
        var config = Jano.Export.Encoders.T5.T5Config.Parse(T5RandomCheckpoint.ConfigJson(buckets: buckets, maxDistance: maxDistance), "config.json");
        using var model = new TinyT5(T5RandomCheckpoint.ConfigJson(buckets: buckets, maxDistance: maxDistance));
        for (var r = -3 * maxDistance; r <= 3 * maxDistance; r++)
        {
            var bucket = T5RelativePosition.Bucket(r, buckets, maxDistance);
            Assert.That(bucket, Is.EqualTo(model.Reference.Bucket(r)), $"relative position {r}");
            Assert.That(bucket, Is.EqualTo(T5RelativePosition.Bucket(Math.Clamp(r, -maxDistance, maxDistance), buckets, maxDistance)), $"clipped {r}");
            Assert.That(bucket, Is.InRange(0, config.NumBuckets - 1));
        }
    }
}
